namespace Shop.AppHost;

/// <summary>Where the Aspire dashboard listens unless the environment says otherwise: loopback, plain http.</summary>
internal static class Dashboard
{
    /// <summary>The dashboard's own address.</summary>
    public const string DefaultUrl = "http://127.0.0.1:18888";

    /// <summary>Where the processes send their telemetry (OTLP over gRPC).</summary>
    public const string DefaultOtlpUrl = "http://127.0.0.1:18889";

    /// <summary>Sets the dashboard's addresses to the loopback defaults where they are not set.</summary>
    public static void DefaultToLoopback()
    {
        Default("ASPNETCORE_URLS", DefaultUrl);
        Default("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", DefaultOtlpUrl);

        // Plain http is fine on loopback; the login token still guards the dashboard.
        Default("ASPIRE_ALLOW_UNSECURED_TRANSPORT", "true");
    }

    private static void Default(string name, string value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
