using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Notifications;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.Pay;

public sealed class WechatPayNotificationParserTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 4, 0, 5, TimeSpan.Zero);
    private readonly TestKeys _keys = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly WechatPayNotificationParser _parser;

    public WechatPayNotificationParserTests()
    {
        var platformKeys = new WechatPayPlatformKeys(TestKeys.PublicKeyId, _keys.Platform);
        platformKeys.AddCertificates([_keys.PlatformCertificate]);
        _parser = new WechatPayNotificationParser(
            new WechatPaySignatureVerifier(platformKeys, _time, TimeSpan.FromMinutes(5)), Encoding.UTF8.GetBytes(TestKeys.ApiV3Key));
    }

    [Fact]
    public void ParseTransaction_ReturnsTypedResource_WhenSignedWithPublicKeyId()
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now);

        var notification = _parser.ParseTransaction(body, headers);

        Assert.Equal("TRANSACTION.SUCCESS", notification.EventType);
        Assert.Equal("支付成功", notification.Envelope.Summary);
        Assert.Equal("T20250101001", notification.Resource.OutTradeNo);
        Assert.Equal("4200000000202501010000000001", notification.Resource.TransactionId);
        Assert.Equal("SUCCESS", notification.Resource.TradeState);
        Assert.Equal(100, notification.Resource.Amount!.Total);
        Assert.Equal(90, notification.Resource.Amount.PayerTotal);
        Assert.Equal("o_test_openid", notification.Resource.Payer!.Openid);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 4, 0, 0, TimeSpan.Zero), notification.Resource.SuccessTime);
    }

    [Fact]
    public void ParseTransaction_Succeeds_WhenSignedWithPlatformCertificateSerial()
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, _keys.PlatformSerial, Now);

        Assert.Equal("T20250101001", _parser.ParseTransaction(body, headers).Resource.OutTradeNo);
    }

    [Fact]
    public void ParseRefund_ReadsRefundStatus_WhenRefundNotification()
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now, PayNotifications.Refund, "REFUND.SUCCESS", "refund", associatedData: "refund");

        var refund = _parser.ParseRefund(body, headers).Resource;

        Assert.Equal("SUCCESS", refund.RefundStatus);
        Assert.Equal("R1", refund.OutRefundNo);
        Assert.Equal(40, refund.Amount!.Refund);
        Assert.Equal(36, refund.Amount.PayerRefund);
    }

    [Fact]
    public void ParseRaw_VerifiesAndDecryptsPublishedWechatpayGoNotification()
    {
        var v = Vectors.Load("c4-05");
        var inputs = v.GetProperty("inputs");
        var keys = new WechatPayPlatformKeys(null, null);
        keys.AddCertificates([X509Certificate2.CreateFromPem(v.Input("platform_certificate_pem"))]);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(inputs.GetProperty("mocked_now_unix").GetInt64()));
        // Its APIv3 key is 16 bytes (AES-128-GCM): the parser takes it; option validation would not.
        var parser = new WechatPayNotificationParser(new WechatPaySignatureVerifier(keys, time, TimeSpan.FromMinutes(5)), Encoding.UTF8.GetBytes(v.Input("apiv3_key")));
        var headers = WechatPaySignatureHeaders.From(name => inputs.GetProperty("headers").GetProperty(name).GetString());

        var notification = parser.ParseRaw(Encoding.UTF8.GetBytes(v.Input("body")), headers);

        var expected = v.Expected();
        Assert.Equal(expected.GetProperty("plaintext").GetString(), notification.Resource);
        Assert.Equal("3119dfba-e649-5eec-ab1e-3412bc4d2e17", notification.Envelope.Id);
        Assert.Equal("PAYSCORE.USER_OPEN_SERVICE", notification.EventType);
        Assert.Equal("签约成功", notification.Envelope.Summary);
        Assert.Equal("payscore", notification.Envelope.Resource!.OriginalType);
    }

    [Fact]
    public void ParseRaw_RejectsPublishedNotificationAsStale_AtRealTime()
    {
        var v = Vectors.Load("c4-05");
        var inputs = v.GetProperty("inputs");
        var keys = new WechatPayPlatformKeys(null, null);
        keys.AddCertificates([X509Certificate2.CreateFromPem(v.Input("platform_certificate_pem"))]);
        var parser = new WechatPayNotificationParser(new WechatPaySignatureVerifier(keys, TimeProvider.System, TimeSpan.FromMinutes(5)), Encoding.UTF8.GetBytes(v.Input("apiv3_key")));
        var headers = WechatPaySignatureHeaders.From(name => inputs.GetProperty("headers").GetProperty(name).GetString());

        AssertRejected(WechatPayVerificationError.StaleTimestamp, () => parser.ParseRaw(Encoding.UTF8.GetBytes(v.Input("body")), headers));
    }

    [Theory]
    [InlineData(-6, WechatPayVerificationError.StaleTimestamp)]
    [InlineData(6, WechatPayVerificationError.FutureTimestamp)]
    public void ParseTransaction_Rejects_WhenTimestampSixMinutesOff(int minutes, WechatPayVerificationError reason)
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now.AddMinutes(minutes));

        AssertRejected(reason, () => _parser.ParseTransaction(body, headers));
    }

    [Fact]
    public void ParseTransaction_Accepts_WhenTimestampFourMinutesOld()
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now.AddMinutes(-4));

        Assert.NotNull(_parser.ParseTransaction(body, headers).Resource);
    }

    [Fact]
    public void ParseTransaction_RejectsBadSignature_WhenBodyTampered()
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("支付成功", "支付失败", StringComparison.Ordinal));

        AssertRejected(WechatPayVerificationError.BadSignature, () => _parser.ParseTransaction(tampered, headers));
    }

    [Theory]
    [InlineData("PUB_KEY_ID_0114000000OTHER")]
    [InlineData("5F1C72E2A8931B72A2E13AF8DEE92471EB397115")]
    public void ParseTransaction_RejectsUnknownSerial(string serial)
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, serial, Now);

        AssertRejected(WechatPayVerificationError.UnknownSerial, () => _parser.ParseTransaction(body, headers));
    }

    [Fact]
    public void ParseTransaction_RejectsBadSignature_WhenSignedWithAnotherKey()
    {
        using var other = RSA.Create(2048);
        var (body, headers) = PayNotifications.Create(other, TestKeys.PublicKeyId, Now);

        AssertRejected(WechatPayVerificationError.BadSignature, () => _parser.ParseTransaction(body, headers));
    }

    [Fact]
    public void ParseTransaction_RejectsSignatureProbe()
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now);
        var probe = headers with { Signature = "WECHATPAY/SIGNTEST/" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)) };

        AssertRejected(WechatPayVerificationError.SignatureProbe, () => _parser.ParseTransaction(body, probe));
    }

    [Fact]
    public void ParseTransaction_RejectsMissingHeaders()
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now);

        AssertRejected(WechatPayVerificationError.MissingHeaders, () => _parser.ParseTransaction(body, headers with { Nonce = null }));
    }

    [Fact]
    public void ParseTransaction_RejectsDecryptionFailed_WhenCiphertextTamperedAndResigned()
    {
        var (body, _) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now);
        var json = Encoding.UTF8.GetString(body);
        var start = json.IndexOf("\"ciphertext\":\"", StringComparison.Ordinal) + 14;
        var flipped = json[start] == 'A' ? 'B' : 'A';
        var tampered = Encoding.UTF8.GetBytes(json[..start] + flipped + json[(start + 1)..]);

        AssertRejected(WechatPayVerificationError.DecryptionFailed,
            () => _parser.ParseTransaction(tampered, PayNotifications.Sign(_keys.Platform, TestKeys.PublicKeyId, Now, tampered)));
    }

    [Fact]
    public void ParseTransaction_RejectsDecryptionFailed_WhenAssociatedDataTamperedAndResigned()
    {
        var (body, _) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("\"associated_data\":\"transaction\"", "\"associated_data\":\"transactioN\"", StringComparison.Ordinal));
        Assert.NotEqual(body, tampered);

        AssertRejected(WechatPayVerificationError.DecryptionFailed,
            () => _parser.ParseTransaction(tampered, PayNotifications.Sign(_keys.Platform, TestKeys.PublicKeyId, Now, tampered)));
    }

    [Fact]
    public void ParseTransaction_RejectsDecryptionFailed_WhenEncryptedWithAnotherApiV3Key()
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now, apiV3Key: "ffffffffffffffffffffffffffffffff");

        AssertRejected(WechatPayVerificationError.DecryptionFailed, () => _parser.ParseTransaction(body, headers));
    }

    [Fact]
    public void ParseTransaction_RejectsMalformedBody_WhenSignedBodyIsNotAnEnvelope()
    {
        var body = "{\"hello\":1}"u8.ToArray();

        AssertRejected(WechatPayVerificationError.MalformedBody,
            () => _parser.ParseTransaction(body, PayNotifications.Sign(_keys.Platform, TestKeys.PublicKeyId, Now, body)));
    }

    [Fact]
    public void ParseTransaction_RejectsUnexpectedEventType_WhenGivenRefundNotification()
    {
        var (body, headers) = PayNotifications.Create(_keys.Platform, TestKeys.PublicKeyId, Now, PayNotifications.Refund, "REFUND.SUCCESS", "refund", associatedData: "refund");

        AssertRejected(WechatPayVerificationError.UnexpectedEventType, () => _parser.ParseTransaction(body, headers));
    }

    public void Dispose() => _keys.Dispose();

    private static void AssertRejected(WechatPayVerificationError reason, Action parse)
    {
        var ex = Assert.Throws<WechatPayVerificationException>(parse);
        Assert.Equal(reason, ex.Reason);
    }
}
