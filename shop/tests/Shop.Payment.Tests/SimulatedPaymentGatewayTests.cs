namespace Shop.Payment.Tests;

public sealed class SimulatedPaymentGatewayTests
{
    private static SimulatedPaymentGateway NewGateway(int maxRecords = 100) =>
        new(new PaymentOptions { GatewayMinLatency = TimeSpan.Zero, GatewayMaxLatency = TimeSpan.Zero, GatewayMaxRecords = maxRecords }, TimeProvider.System);

    [Fact]
    public async Task The_same_key_returns_the_first_result_and_charges_once()
    {
        var gateway = NewGateway();
        var first = await gateway.ChargeAsync("k", "tok_visa", 10m, "EUR");
        var second = await gateway.ChargeAsync("k", "tok_visa", 10m, "EUR");
        Assert.True(first.Approved);
        Assert.Equal(first, second);
        Assert.Equal(1, gateway.ChargeCount);
    }

    [Fact]
    public async Task Concurrent_calls_with_one_key_charge_once()
    {
        var gateway = NewGateway();
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => gateway.ChargeAsync("k", "tok_visa", 10m, "EUR").AsTask()));
        Assert.Single(results.Select(r => r.ChargeId).Distinct());
        Assert.Equal(1, gateway.ChargeCount);
    }

    [Theory]
    [InlineData("tok_chargeDeclined", "card_declined")]
    [InlineData("tok_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    [InlineData("no-such-token", "invalid_token")]
    public async Task Test_tokens_decline(string token, string reason)
    {
        var result = await NewGateway().ChargeAsync("k", token, 10m, "EUR");
        Assert.False(result.Approved);
        Assert.Equal(reason, result.DeclineReason);
    }

    [Fact]
    public async Task Refunds_are_idempotent_and_never_exceed_the_charge()
    {
        var gateway = NewGateway();
        var charge = await gateway.ChargeAsync("k", "tok_visa", 10m, "EUR");
        var first = await gateway.RefundAsync("refund-k", charge.ChargeId!, 10m);
        Assert.Equal(first, await gateway.RefundAsync("refund-k", charge.ChargeId!, 10m));
        Assert.Equal(1, gateway.RefundCount);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await gateway.RefundAsync("refund-other", charge.ChargeId!, 1m));
    }

    [Fact]
    public async Task Memory_is_bounded()
    {
        var gateway = NewGateway(maxRecords: 10);
        var first = await gateway.ChargeAsync("k0", "tok_visa", 1m, "EUR");
        for (var i = 1; i <= 20; i++)
        {
            await gateway.ChargeAsync("k" + i, "tok_visa", 1m, "EUR");
        }

        // The oldest key is forgotten: the remote side no longer recognises it (as after a real gateway's key expiry).
        Assert.NotEqual(first.ChargeId, (await gateway.ChargeAsync("k0", "tok_visa", 1m, "EUR")).ChargeId);
    }
}
