using Shop.Notification;

namespace Shop.Tests;

public sealed class SmtpArgumentsTests
{
    [Fact]
    public void Without_a_server_there_is_no_SMTP()
    {
        Assert.Null(SmtpArguments.Parse(null, "orders@shop.test"));
        Assert.Null(SmtpArguments.Parse(" ", null));
    }

    [Fact]
    public void Host_port_from_and_TLS_are_read()
    {
        var options = SmtpArguments.Parse("mail.shop.test:2525", "Shop <orders@shop.test>", "none", "shop", "s3cret")!;

        Assert.Equal("mail.shop.test", options.Host);
        Assert.Equal(2525, options.Port);
        Assert.Equal("Shop <orders@shop.test>", options.From);
        Assert.Equal(SmtpTlsMode.None, options.Tls);
        Assert.Equal("shop", options.Username);
        Assert.Equal("s3cret", options.Password);
        Assert.Equal(SmtpTlsMode.StartTls, SmtpArguments.Parse("mail.shop.test:587", "orders@shop.test")!.Tls);
        Assert.Equal(SmtpTlsMode.SslOnConnect, SmtpArguments.Parse("mail.shop.test:465", "orders@shop.test", "SslOnConnect")!.Tls);
        Assert.Equal("::1", SmtpArguments.Parse("[::1]:25", "orders@shop.test")!.Host);
    }

    [Theory]
    [InlineData("mail.shop.test", "orders@shop.test", null)] // no port
    [InlineData("mail.shop.test:0", "orders@shop.test", null)]
    [InlineData("mail.shop.test:smtp", "orders@shop.test", null)]
    [InlineData(":25", "orders@shop.test", null)]
    [InlineData("::1:25", "orders@shop.test", null)] // IPv6 without brackets
    [InlineData("mail.shop.test:25", null, null)] // no sender
    [InlineData("mail.shop.test:25", "orders", null)] // a sender without a domain
    [InlineData("mail.shop.test:25", "orders@shop.test", "tls13")]
    public void A_bad_setting_is_refused_naming_it(string server, string? from, string? tls)
    {
        var error = Assert.Throws<ArgumentException>(() => SmtpArguments.Parse(server, from, tls));

        Assert.Matches("--smtp|sender", error.Message);
    }
}
