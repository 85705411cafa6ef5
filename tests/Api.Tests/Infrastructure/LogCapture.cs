using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>
/// A Serilog sink the factory registers in the API's services, so tests can read what the API logged (a rejected
/// callback must say why). Serilog owns the host's logger factory, so an ILoggerProvider would see nothing.
/// </summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>Rendered messages (with their properties filled in), oldest first.</summary>
    public IReadOnlyList<string> Messages => _events.Select(e => e.RenderMessage()).ToList();

    /// <summary>The messages logged since <paramref name="mark"/> (a count taken earlier with <see cref="Mark"/>).</summary>
    public IReadOnlyList<string> Since(int mark) => _events.Skip(mark).Select(e => e.RenderMessage()).ToList();

    public int Mark() => _events.Count;
}
