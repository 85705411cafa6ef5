using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace WechatLoyalty.Simulator.Tests.Infrastructure;

/// <summary>Our backend's half of the crypto, written independently of the simulator's code: merchant request signing,
/// notification verification and decryption, OA safe-mode decryption and reply encryption.</summary>
public static class OurSide
{
    public const string UserAgent = "WechatLoyalty-Tests/1.0";

    public static HttpRequestMessage SignedPayRequest(HttpMethod method, string pathAndQuery, string? body, RSA merchantKey, string serialNo,
        string mchId = "1900000001", long? timestamp = null, Func<string, string>? tamperAfterSigning = null)
    {
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var message = $"{method.Method}\n{pathAndQuery}\n{ts}\n{nonce}\n{body ?? ""}\n";
        var signature = Convert.ToBase64String(merchantKey.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"WECHATPAY2-SHA256-RSA2048 mchid=\"{mchId}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{ts}\",serial_no=\"{serialNo}\"");
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            var sent = tamperAfterSigning is null ? body : tamperAfterSigning(body);
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(sent));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return request;
    }

    /// <summary>Verifies Wechatpay-Signature over ts\nnonce\nbody\n with the platform public key from pub_key.pem.</summary>
    public static bool VerifyWechatpaySignature(string publicKeyPem, string timestamp, string nonce, string body, string signature)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return rsa.VerifyData(Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n{body}\n"), Convert.FromBase64String(signature),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    public static bool VerifyResponse(string publicKeyPem, HttpResponseMessage response, string body) =>
        VerifyWechatpaySignature(publicKeyPem, Header(response, "Wechatpay-Timestamp"), Header(response, "Wechatpay-Nonce"), body,
            Header(response, "Wechatpay-Signature"));

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : "";

    /// <summary>Decrypts resource.ciphertext (AEAD_AES_256_GCM, tag = last 16 bytes) of a notification envelope.</summary>
    public static JsonElement DecryptResource(string envelopeJson, string apiV3Key)
    {
        var resource = JsonDocument.Parse(envelopeJson).RootElement.GetProperty("resource");
        var data = Convert.FromBase64String(resource.GetProperty("ciphertext").GetString()!);
        var plain = new byte[data.Length - 16];
        using var gcm = new AesGcm(Encoding.UTF8.GetBytes(apiV3Key), 16);
        gcm.Decrypt(Encoding.UTF8.GetBytes(resource.GetProperty("nonce").GetString()!), data.AsSpan(0, plain.Length), data.AsSpan(plain.Length), plain,
            Encoding.UTF8.GetBytes(resource.GetProperty("associated_data").GetString()!));
        return JsonDocument.Parse(plain).RootElement.Clone();
    }

    public static string Sha1Signature(params string[] parts)
    {
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // WeChat's protocol uses SHA-1.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    public static (string Xml, string AppId) OaDecrypt(string encodingAesKey, string encrypt)
    {
        var key = Convert.FromBase64String(encodingAesKey + "=");
        using var aes = Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(Convert.FromBase64String(encrypt), key.AsSpan(0, 16), PaddingMode.None);
        var pad = plain[^1];
        var length = BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(16, 4));
        return (Encoding.UTF8.GetString(plain, 20, length), Encoding.ASCII.GetString(plain, 20 + length, plain.Length - pad - 20 - length));
    }

    public static string OaEncryptedReply(string encodingAesKey, string token, string appId, string replyXml)
    {
        var key = Convert.FromBase64String(encodingAesKey + "=");
        var msg = Encoding.UTF8.GetBytes(replyXml);
        var body = RandomNumberGenerator.GetBytes(16).Concat(new byte[4]).Concat(msg).Concat(Encoding.ASCII.GetBytes(appId)).ToList();
        BinaryPrimitives.WriteInt32BigEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(body).Slice(16, 4), msg.Length);
        var pad = 32 - (body.Count % 32);
        body.AddRange(Enumerable.Repeat((byte)pad, pad));
        using var aes = Aes.Create();
        aes.Key = key;
        var encrypt = Convert.ToBase64String(aes.EncryptCbc(body.ToArray(), key.AsSpan(0, 16), PaddingMode.None));
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        const string nonce = "987654321";
        return new XElement("xml", new XElement("Encrypt", new XCData(encrypt)), new XElement("MsgSignature", new XCData(Sha1Signature(token, ts, nonce, encrypt))),
            new XElement("TimeStamp", ts), new XElement("Nonce", new XCData(nonce))).ToString(SaveOptions.DisableFormatting);
    }
}
