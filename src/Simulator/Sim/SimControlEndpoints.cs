using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Sim;

/// <summary>Fault knobs, token invalidation/expiry, the clock, reset, public key material, and the inspection lists.</summary>
internal static class SimControlEndpoints
{
    public static void Map(RouteGroupBuilder sim)
    {
        sim.MapGet("/faults", (Faults faults) => Results.Ok(faults.Current));
        sim.MapPost("/faults", SetFaults);
        sim.MapPost("/tokens/invalidate", (TokenKnobRequest? body, SimulatorState state, SimulatorClock clock) =>
            ChangeTokens(state, body?.AppId, t => t.Invalidated = true));
        sim.MapPost("/tokens/expire", (TokenKnobRequest? body, SimulatorState state, SimulatorClock clock) =>
            ChangeTokens(state, body?.AppId, t => t.ExpiresAt = clock.GetUtcNow().AddSeconds(-1)));
        sim.MapGet("/clock", (SimulatorClock clock) => Results.Ok(new { now = clock.GetUtcNow(), offset_seconds = clock.Offset.TotalSeconds }));
        sim.MapPost("/clock/advance", (AdvanceRequest body, SimulatorClock clock) =>
        {
            clock.Advance(TimeSpan.FromSeconds(body.Seconds));
            return Results.Ok(new { now = clock.GetUtcNow(), offset_seconds = clock.Offset.TotalSeconds });
        });
        sim.MapPost("/reset", (SimulatorState state, Faults faults, SimulatorClock clock) =>
        {
            state.Reset();
            faults.Reset();
            clock.ResetOffset();
            return Results.NoContent();
        });
        sim.MapGet("/keys", (SimulatorKeys keys, SimulatorOptions options) => Results.Ok(new
        {
            mchid = options.Pay.MchId,
            merchant_serial_no = keys.MerchantSerialNumber,
            public_key_id = keys.PublicKeyId,
            platform_public_key_pem = keys.PlatformPublicKeyPem,
            platform_certificate_serial_no = keys.PlatformCertificateSerial,
            keys_directory = options.KeysDirectory,
        }));

        sim.MapGet("/messages", (SimulatorState s) => List(s, () => s.Messages.Select(SimViews.Message)));
        sim.MapGet("/notifications", (SimulatorState s) => List(s, () => s.Notifications.Select(SimViews.Notification)));
        sim.MapGet("/oa-pushes", (SimulatorState s) => List(s, () => s.OaPushes.Select(SimViews.Push)));
        sim.MapGet("/orders", (SimulatorState s) => List(s, () => s.Orders.Values.Select(SimViews.Order)));
        sim.MapGet("/refunds", (SimulatorState s) => List(s, () => s.Refunds.Values.Select(SimViews.Refund)));
        sim.MapGet("/tokens", (SimulatorState s, SimulatorClock clock) => List(s, () => s.Tokens.Select(t => SimViews.Token(t, clock.GetUtcNow()))));
    }

    private static IResult SetFaults(FaultRequest body, Faults faults)
    {
        var c = faults.Current;
        var next = new FaultSnapshot(body.ErrorRate ?? c.ErrorRate, body.LatencyMs ?? c.LatencyMs, body.QuotaExhausted ?? c.QuotaExhausted,
            body.DuplicateRate ?? c.DuplicateRate, body.ConcurrentDuplicates ?? c.ConcurrentDuplicates);
        if (next.ErrorRate is < 0 or > 1 || next.DuplicateRate is < 0 or > 1 || next.LatencyMs is < 0 or > 60_000)
        {
            return Results.BadRequest(new { error = "error_rate and duplicate_rate must be within 0..1, latency_ms within 0..60000" });
        }

        faults.Set(next);
        return Results.Ok(next);
    }

    private static IResult ChangeTokens(SimulatorState state, string? appId, Action<AccessTokenRecord> change)
    {
        lock (state.Gate)
        {
            var affected = state.Tokens.Where(t => appId is null || t.AppId == appId).ToList();
            affected.ForEach(change);
            return Results.Ok(new { affected = affected.Count });
        }
    }

    private static IResult List(SimulatorState state, Func<IEnumerable<object>> items)
    {
        lock (state.Gate)
        {
            return Results.Ok(items().ToArray());
        }
    }
}

internal sealed record FaultRequest(double? ErrorRate, int? LatencyMs, bool? QuotaExhausted, double? DuplicateRate, bool? ConcurrentDuplicates);

internal sealed record TokenKnobRequest(string? AppId);

internal sealed record AdvanceRequest(double Seconds);
