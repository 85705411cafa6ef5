extern alias sim;

using sim::WechatLoyalty.Simulator.Hosting;

namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>The API's Wechat settings for a simulator, as ./run.sh sets them for the demo (scripts/simulator.env).</summary>
internal static class WechatSettings
{
    public static IEnumerable<KeyValuePair<string, string?>> For(RunningSimulator sim, string apiBaseUrl, string keyPrefix)
    {
        var o = sim.Options;
        var keys = sim.Keys;
        // The client derives the merchant serial from the certificate file, as it would from apiclient_cert.pem.
        var certificatePath = Path.Combine(Path.GetTempPath(), $"wl-sim-merchant-{Guid.NewGuid():N}.pem");
        File.WriteAllText(certificatePath, keys.MerchantCertificate.ExportCertificatePem());
        return
        [
            new("Wechat:Endpoints:Api", sim.BaseUrl + "/"),
            new("Wechat:Endpoints:Pay", sim.BaseUrl + "/"),
            new("Wechat:Endpoints:Mp", sim.BaseUrl + "/"),
            new("Wechat:MiniProgram:AppId", o.MiniProgram.AppId),
            new("Wechat:MiniProgram:AppSecret", o.MiniProgram.AppSecret),
            new("Wechat:OfficialAccount:AppId", o.OfficialAccount.AppId),
            new("Wechat:OfficialAccount:AppSecret", o.OfficialAccount.AppSecret),
            new("Wechat:OfficialAccount:Token", o.OfficialAccount.Token),
            new("Wechat:OfficialAccount:EncodingAesKey", o.OfficialAccount.EncodingAesKey),
            new("Wechat:AccessTokens:KeyPrefix", keyPrefix.TrimEnd(':').Replace(':', '_')),
            new("Wechat:Pay:MchId", o.Pay.MchId),
            new("Wechat:Pay:AppId", o.MiniProgram.AppId),
            new("Wechat:Pay:MerchantPrivateKeyPem", keys.MerchantPrivateKey.ExportPkcs8PrivateKeyPem()),
            new("Wechat:Pay:MerchantCertificatePath", certificatePath),
            new("Wechat:Pay:ApiV3Key", keys.ApiV3Key),
            new("Wechat:Pay:PlatformPublicKeyId", keys.PublicKeyId),
            new("Wechat:Pay:PlatformPublicKeyPem", keys.PlatformPublicKeyPem),
            new("Wechat:Pay:NotifyUrl", apiBaseUrl + "/wechat/pay/notify"),
        ];
    }
}
