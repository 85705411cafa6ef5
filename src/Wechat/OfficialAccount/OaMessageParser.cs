using Microsoft.Extensions.Options;

namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>The query string and raw body of a POST push.</summary>
public sealed record OaPushRequest(
    string Body, string? Signature, string? Timestamp, string? Nonce, string? EncryptType = null, string? MsgSignature = null);

/// <summary>
/// Verifies and parses pushes in plain mode (signature over token/timestamp/nonce) and safe mode (msg_signature over
/// the four items, checked BEFORE decrypting, then appid check).
/// https://developers.weixin.qq.com/doc/service/guide/dev/push/encryption.html
/// </summary>
public sealed class OaMessageParser
{
    private readonly string _token;
    private readonly WxBizMsgCrypt _crypt;

    public OaMessageParser(IOptions<OfficialAccountOptions> options)
        : this(options.Value.Token, options.Value.EncodingAesKey, options.Value.AppId)
    {
    }

    public OaMessageParser(string token, string encodingAesKey, string appId)
    {
        _token = token;
        _crypt = new WxBizMsgCrypt(token, encodingAesKey, appId);
    }

    public WxBizMsgCrypt Crypt => _crypt;

    /// <summary>Throws <see cref="OaMessageException"/> with the reason on any failure.</summary>
    public OaMessage Parse(OaPushRequest request)
    {
        if (string.IsNullOrEmpty(request.Timestamp) || string.IsNullOrEmpty(request.Nonce))
        {
            throw new OaMessageException(OaMessageError.MissingParameters, "timestamp and nonce are required");
        }

        if (!string.Equals(request.EncryptType, "aes", StringComparison.OrdinalIgnoreCase))
        {
            if (!OaSignature.Verify(request.Signature, _token, request.Timestamp, request.Nonce))
            {
                throw new OaMessageException(OaMessageError.BadSignature, "signature does not match");
            }

            return OaMessage.Create(OaXml.ParseFlat(request.Body), wasEncrypted: false);
        }

        if (string.IsNullOrEmpty(request.MsgSignature))
        {
            throw new OaMessageException(OaMessageError.MissingParameters, "msg_signature is required in safe mode");
        }

        var outer = OaXml.ParseFlat(request.Body);
        if (!outer.TryGetValue("Encrypt", out var encrypt) || string.IsNullOrEmpty(encrypt))
        {
            throw new OaMessageException(OaMessageError.MissingEncrypt, "no <Encrypt> element");
        }

        if (!_crypt.VerifySignature(request.MsgSignature, request.Timestamp, request.Nonce, encrypt))
        {
            throw new OaMessageException(OaMessageError.BadMsgSignature, "msg_signature does not match");
        }

        return OaMessage.Create(OaXml.ParseFlat(_crypt.Decrypt(encrypt)), wasEncrypted: true);
    }
}
