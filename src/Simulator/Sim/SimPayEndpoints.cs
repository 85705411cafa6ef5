using WechatLoyalty.Simulator.Pay;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Sim;

/// <summary>The payer's side of WeChat Pay: paying a prepay order (→ TRANSACTION.SUCCESS) and a POS payment.</summary>
internal static class SimPayEndpoints
{
    public static void Map(RouteGroupBuilder sim)
    {
        sim.MapPost("/pay/{id}/pay", Pay);
        sim.MapPost("/pay/instore", InStore);
    }

    private static IResult Pay(string id, PayRequest? body, PayLifecycle lifecycle, SimulatorState state)
    {
        var outcome = lifecycle.Pay(id, body?.PayerTotal);
        return Describe(outcome, state);
    }

    private static IResult InStore(InStoreRequest body, PayLifecycle lifecycle, SimulatorState state, SimulatorOptions options)
    {
        SimUser? user;
        lock (state.Gate)
        {
            user = state.FindUser(body.User);
        }

        if (user is null)
        {
            return Results.NotFound(new { error = "no such user" });
        }

        if (body.Total < 1)
        {
            return Results.BadRequest(new { error = "total must be >= 1 (fen)" });
        }

        var appId = body.AppId ?? options.MiniProgram.AppId;
        if (appId != options.MiniProgram.AppId && appId != options.OfficialAccount.AppId)
        {
            return Results.BadRequest(new { error = "appid must be the mini-program or the official account appid" });
        }

        return Describe(lifecycle.InStore(user, appId, body.Total, body.Description ?? "门店消费", body.OutTradeNo), state);
    }

    private static IResult Describe(PayOutcome outcome, SimulatorState state)
    {
        if (outcome.Order is null)
        {
            return Results.Json(new { error = outcome.Error }, statusCode: outcome.Status);
        }

        lock (state.Gate)
        {
            var o = outcome.Order;
            return Results.Ok(new
            {
                out_trade_no = o.OutTradeNo, transaction_id = o.TransactionId, trade_state = o.TradeState, total = o.Total,
                payer_total = o.PayerTotal, payer_openid = o.PayerOpenId, success_time = o.SuccessTime, notification_id = outcome.NotificationId,
            });
        }
    }
}

internal sealed record PayRequest(int? PayerTotal);

internal sealed record InStoreRequest(string User, int Total, string? Description, string? AppId, string? OutTradeNo);
