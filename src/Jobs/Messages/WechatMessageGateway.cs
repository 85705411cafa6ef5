using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Wechat;
using WechatLoyalty.Wechat.MiniProgram;
using WechatLoyalty.Wechat.OfficialAccount;

namespace WechatLoyalty.Jobs.Messages;

/// <summary>
/// The dispatcher's way out to WeChat: OA template send and mini-program subscribe send. The clients never retry a
/// send (a repeat could deliver twice); an errcode comes back as data, a transport failure as "outcome unknown".
/// </summary>
internal sealed class WechatMessageGateway(
    OfficialAccountClient officialAccount,
    MiniProgramClient miniProgram,
    IOptions<OfficialAccountOptions> oaOptions,
    IOptions<MiniProgramOptions> mpOptions,
    ILogger<WechatMessageGateway> logger) : IWechatMessageGateway
{
    public string OfficialAccountAppId => oaOptions.Value.AppId;

    public string MiniProgramAppId => mpOptions.Value.AppId;

    public Task<GatewayResult> SendTemplateAsync(OaTemplateMessage message, CancellationToken ct) =>
        CallAsync("template", async () => GatewayResult.Ok(await officialAccount.SendTemplateMessageAsync(new CgibinMessageTemplateSendRequest
        {
            Touser = message.OpenId,
            TemplateId = message.TemplateId,
            // The mini-program must be linked to the OA; the page opens in it.
            Miniprogram = message.Page is null ? null : new CgibinMessageTemplateSendRequest.TemplateMiniProgram(MiniProgramAppId, message.Page),
            Data = Data(message.Data),
            ClientMsgId = message.ClientMsgId,
        }, ct)), ct);

    public Task<GatewayResult> SendSubscribeAsync(MpSubscribeMessage message, CancellationToken ct) =>
        CallAsync("subscribe", async () =>
        {
            await miniProgram.SendSubscribeMessageAsync(new CgibinMessageSubscribeSendRequest
            {
                Touser = message.OpenId, TemplateId = message.TemplateId, Page = message.Page, Data = Data(message.Data),
            }, ct);
            // subscribe/send answers {errcode:0, errmsg:"ok"}; a msgid is not part of its documented answer.
            return new GatewayResult(null, 0, "ok");
        }, ct);

    private async Task<GatewayResult> CallAsync(string api, Func<Task<GatewayResult>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (WechatApiException ex)
        {
            return new GatewayResult(null, ex.ErrCode, ex.ErrMsg);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException or TimeoutRejectedException or BrokenCircuitException)
        {
            logger.LogWarning(ex, "WeChat {Api} send: transport failure, outcome unknown", api);
            return new GatewayResult(null, null, ex.GetType().Name, OutcomeUnknown: true);
        }
    }

    private static Dictionary<string, TemplateDataValue> Data(IReadOnlyDictionary<string, string> data) =>
        data.ToDictionary(d => d.Key, d => new TemplateDataValue(d.Value), StringComparer.Ordinal);
}
