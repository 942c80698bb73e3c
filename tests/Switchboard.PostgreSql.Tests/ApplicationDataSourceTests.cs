namespace Switchboard.PostgreSql.Tests;

/// <summary><see cref="PostgreSqlApplicationDataSource"/>: an application's own tables, unqualified, land in its schema.</summary>
public sealed class ApplicationDataSourceTests : SchemaScopedTest
{
    [Fact]
    public async Task Unqualified_tables_are_created_and_read_in_the_schema()
    {
        await ExecuteAsync($"CREATE SCHEMA {Quoted}");
        var dataSource = PostgreSqlApplicationDataSource.Create(TestServer.ConnectionString, Schema);

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE app_things (id INT PRIMARY KEY); INSERT INTO app_things VALUES (7)";
            await create.ExecuteNonQueryAsync();
        }

        Assert.Equal(7, await ScalarAsync<int>($"SELECT id FROM {Quoted}.app_things"));
        await using var again = await dataSource.OpenConnectionAsync();
        await using var read = again.CreateCommand();
        read.CommandText = "SELECT current_schema()";
        Assert.Equal(Schema, await read.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("a_name_longer_than_the_sixty_three_bytes_postgresql_allows_for_one")]
    public void A_schema_that_cannot_be_named_is_refused(string schema) =>
        Assert.ThrowsAny<ArgumentException>(() => PostgreSqlApplicationDataSource.Create(TestServer.ConnectionString, schema));
}
