namespace Switchboard.Conformance;

/// <summary>How the SQL suites reach their scope's <see cref="ITestDatabase"/>.</summary>
internal static class TestDatabases
{
    /// <summary>
    /// The scope's database. A factory whose scopes have none fails every test of the suite that asks, loudly: the
    /// suite was derived for a store it does not apply to.
    /// </summary>
    public static ITestDatabase Of(object scope, Type factory) =>
        scope as ITestDatabase
        ?? throw new InvalidOperationException(
            $"{factory.Name} makes scopes without a database ({nameof(ITestDatabase)}); a suite of SQL in the store's transactions does not apply to it, so its test project should not derive the suite.");
}
