using Npgsql;
using Switchboard.Configuration;

namespace Switchboard.PostgreSql;

/// <summary>What the message store's and the event store's settings both need.</summary>
internal static class PostgreSqlOptionRules
{
    public static void Check(string? connectionString, NpgsqlDataSource? dataSource, string schema, Rules rules)
    {
        if (dataSource is null)
        {
            rules.Required(nameof(PostgreSqlStoreOptions.ConnectionString), connectionString);
        }

        rules.Required(nameof(PostgreSqlStoreOptions.Schema), schema);
    }
}
