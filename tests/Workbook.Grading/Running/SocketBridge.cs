using System.Net;
using System.Net.Sockets;

namespace Workbook.Grading.Running;

/// <summary>
/// Passes connections from one socket to another, byte for byte: how chapter 07's program reaches its PostgreSQL server
/// from a sandbox without network. The grader listens on a Unix socket in the sandbox's folder and connects each client to
/// the server's TCP port (<see cref="UnixToTcp"/>); inside the sandbox, the runner listens on the loopback port the program
/// is told and connects each client to that Unix socket (<see cref="TcpToUnix"/>). Nothing else of the network is reachable.
/// </summary>
public sealed class SocketBridge : IDisposable
{
    readonly Socket listener;
    readonly Func<Socket> connect;
    readonly CancellationTokenSource stop = new();

    SocketBridge(Socket listener, Func<Socket> connect)
    {
        this.listener = listener;
        this.connect = connect;
        _ = AcceptAsync();
    }

    /// <summary>Listens on a new Unix socket at <paramref name="socketPath"/> and connects each client to <paramref name="host"/>:<paramref name="port"/>.</summary>
    /// <exception cref="SocketException">The socket cannot be made.</exception>
    public static SocketBridge UnixToTcp(string socketPath, string host, int port)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(16);
        return new SocketBridge(listener, () =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect(host, port);
            return socket;
        });
    }

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> and connects each client to the Unix socket at <paramref name="socketPath"/>.</summary>
    /// <exception cref="SocketException">The port is taken.</exception>
    public static SocketBridge TcpToUnix(int port, string socketPath)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(16);
        return new SocketBridge(listener, () =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return socket;
        });
    }

    async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = PassAsync(client);
        }
    }

    async Task PassAsync(Socket client)
    {
        using (client)
        {
            Socket server;
            try
            {
                server = connect();
            }
            catch (SocketException)
            {
                return; // the client sees its connection closed, as when no server listens
            }
            using (server)
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                await Task.WhenAny(PumpAsync(client, server, either.Token), PumpAsync(server, client, either.Token));
                either.Cancel();
            }
        }
    }

    static async Task PumpAsync(Socket from, Socket to, CancellationToken cancel)
    {
        var buffer = new byte[16384];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, cancel)) > 0)
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancel);
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // One side closed: the connection ends.
        }
    }

    /// <summary>Stops listening and closes every connection passed on.</summary>
    public void Dispose()
    {
        stop.Cancel();
        listener.Dispose();
    }
}
