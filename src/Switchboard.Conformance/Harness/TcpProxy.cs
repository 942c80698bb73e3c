using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Conformance.Harness;

/// <summary>
/// A TCP proxy on loopback in front of a real server (a broker, a database), for tests that make the server unreachable
/// and then reachable again without stopping it, which other tests may be using. Closed, its port is bound but not
/// listening, so a client's connection is refused at once, as by a server that is down. Opened, it forwards each
/// connection to the server. Closing it again drops every forwarded connection.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly EndPoint _target;
    private readonly ConcurrentDictionary<Socket, bool> _connections = new();
    private readonly Lock _gate = new();
    private Socket _listener;
    private Task _accepting = Task.CompletedTask;
    private bool _open;

    private TcpProxy(string targetHost, int targetPort)
    {
        _target = new DnsEndPoint(targetHost, targetPort);
        _listener = Bind(0);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    /// <summary>The loopback port clients connect to.</summary>
    public int Port { get; }

    /// <summary>A closed proxy in front of <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public static TcpProxy Closed(string targetHost, int targetPort) => new(targetHost, targetPort);

    /// <summary>Starts accepting connections and forwarding them to the server.</summary>
    public void Open()
    {
        lock (_gate)
        {
            if (_open)
            {
                return;
            }

            _open = true;
            _listener.Listen();
            var listener = _listener;
            _accepting = Task.Run(() => AcceptAsync(listener));
        }
    }

    /// <summary>Refuses new connections again and drops the forwarded ones.</summary>
    public async Task CloseAsync()
    {
        Task accepting;
        lock (_gate)
        {
            if (!_open)
            {
                return;
            }

            _open = false;
            _listener.Dispose();
            accepting = _accepting;

            // Bound again at once, not listening: the port stays this proxy's and refuses connections.
            _listener = Bind(Port);
        }

        await accepting.ConfigureAwait(false);
        foreach (var connection in _connections.Keys)
        {
            Drop(connection);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _listener.Dispose();
    }

    private static Socket Bind(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // closed
            }

            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _connections[client] = true;
        _connections[server] = true;
        try
        {
            await server.ConnectAsync(_target).ConfigureAwait(false);
            client.NoDelay = server.NoDelay = true;

            // When either side ends, both are closed.
            await Task.WhenAny(CopyAsync(client, server), CopyAsync(server, client)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Drop(client);
            Drop(server);
        }
    }

    private static async Task CopyAsync(Socket from, Socket to)
    {
        try
        {
            await using var source = new NetworkStream(from, ownsSocket: false);
            await using var destination = new NetworkStream(to, ownsSocket: false);
            await source.CopyToAsync(destination).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private void Drop(Socket socket)
    {
        _connections.TryRemove(socket, out _);
        socket.Dispose();
    }
}
