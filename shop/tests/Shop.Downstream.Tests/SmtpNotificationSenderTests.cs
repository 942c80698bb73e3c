using System.Net.Sockets;
using MailKit.Net.Smtp;
using Shop.Notification;

namespace Shop.Downstream.Tests;

/// <summary><see cref="SmtpNotificationSender"/> against <see cref="FakeSmtpServer"/>, a real SMTP conversation on loopback.</summary>
public sealed class SmtpNotificationSenderTests
{
    private static readonly Shop.Notification.Notification Shipped = new(
        "3f2a9c1e-0000-4000-8000-000000000001:order-shipped",
        "order-shipped",
        Guid.Parse("0b7e7f0e-5a39-4d7a-9a4e-0c8a3e5f1a11"),
        "cust-a",
        "cust-a@example.com",
        "Order shipped",
        "Your order is on its way. Tracking number: SB0123456789.",
        Orders.T0);

    private static SmtpOptions Options(int port) => new() { Host = "127.0.0.1", Port = port, From = "Shop <orders@shop.test>", Tls = SmtpTlsMode.None };

    [Fact]
    public async Task A_notification_arrives_as_an_email_with_a_Message_ID_derived_from_its_id()
    {
        await using var server = FakeSmtpServer.Start();
        var sender = new SmtpNotificationSender(Options(server.Port));

        await sender.SendAsync(Shipped);

        var mail = Assert.Single(server.Received);
        Assert.Equal("orders@shop.test", mail.MailFrom);
        Assert.Equal(["cust-a@example.com"], mail.Recipients);
        var message = mail.Message;
        Assert.Equal("cust-a@example.com", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("orders@shop.test", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("Order shipped", message.Subject);
        Assert.Equal(NotificationEmail.MessageId(Shipped.Id, "shop.test"), message.MessageId);
        Assert.EndsWith(".notification@shop.test", message.MessageId, StringComparison.Ordinal);
        Assert.Equal(Orders.T0, message.Date);
        Assert.Equal(Shipped.Body, message.TextBody?.TrimEnd());
    }

    [Fact]
    public async Task The_same_notification_sent_again_has_the_same_Message_ID_and_another_one_does_not()
    {
        await using var server = FakeSmtpServer.Start();
        var sender = new SmtpNotificationSender(Options(server.Port));

        await sender.SendAsync(Shipped);
        await sender.SendAsync(Shipped); // as after a crash between the send and the commit
        await sender.SendAsync(Shipped with { Id = "another-message:order-shipped" });

        var ids = server.Received.Select(m => m.Message.MessageId).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(ids[0], ids[2]);
    }

    [Fact]
    public async Task A_server_that_is_down_makes_the_send_throw()
    {
        var sender = new SmtpNotificationSender(Options(FakeSmtpServer.UnusedPort()));

        await Assert.ThrowsAsync<SocketException>(async () => await sender.SendAsync(Shipped));
    }

    [Fact]
    public async Task A_server_that_refuses_makes_the_send_throw()
    {
        await using var server = FakeSmtpServer.Start();
        server.Refusing = true;
        var sender = new SmtpNotificationSender(Options(server.Port));

        await Assert.ThrowsAnyAsync<Exception>(async () => await sender.SendAsync(Shipped));
        Assert.Equal(1, server.Refused);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task StartTls_with_a_server_that_does_not_offer_it_throws_rather_than_send_in_clear()
    {
        await using var server = FakeSmtpServer.Start();
        var sender = new SmtpNotificationSender(Options(server.Port) with { Tls = SmtpTlsMode.StartTls });

        await Assert.ThrowsAsync<NotSupportedException>(async () => await sender.SendAsync(Shipped));
        Assert.Empty(server.Received);
    }

    [Fact]
    public void Options_that_could_never_work_are_refused_when_the_sender_is_created()
    {
        Assert.Throws<ArgumentException>(() => new SmtpNotificationSender(Options(25) with { From = "no-domain" }));
        Assert.Throws<ArgumentException>(() => new SmtpNotificationSender(Options(0)));
        Assert.Throws<ArgumentException>(() => new SmtpNotificationSender(Options(25) with { Host = " " }));
        Assert.Throws<ArgumentException>(() => new SmtpNotificationSender(Options(25) with { Password = "secret" }));
    }

    [Fact]
    public void The_password_does_not_show_in_the_options_text()
    {
        var text = (Options(25) with { Username = "shop", Password = "s3cret" }).ToString();

        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.Contains("Username = shop", text, StringComparison.Ordinal);
    }
}
