extern alias sim;

using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Domain.Stores;
using WechatLoyalty.Wechat.OfficialAccount;
using SimulatorOptions = sim::WechatLoyalty.Simulator.SimulatorOptions;

namespace WechatLoyalty.Api.Tests.Messages;

/// <summary>
/// The OA callback in safe mode with the keys of WeChat's published sample (token QDG6eK, appid wx5823bf96d3bd56c7,
/// /work/shared/wechat-vectors/c1-01): the sample itself, and events encrypted with the same keys.
/// </summary>
public class OfficialAccountEventTests(OfficialAccountEventTests.Factory factory) : IClassFixture<OfficialAccountEventTests.Factory>
{
    private const string Token = "QDG6eK";
    private const string EncodingAesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private const string AppId = "wx5823bf96d3bd56c7";

    /// <summary>The simulator's OA (and so the API's settings) uses the published sample's keys.</summary>
    public sealed class Factory : MessagesFactory
    {
        protected override void ConfigureSimulator(SimulatorOptions options)
        {
            options.OfficialAccount.Token = Token;
            options.OfficialAccount.EncodingAesKey = EncodingAesKey;
            options.OfficialAccount.AppId = AppId;
        }
    }

    [Fact]
    public async Task PublishedSafeModeSample_IsAccepted_AndItsRetryIgnored()
    {
        const string encrypt = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
        var body = $"<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";
        var url = $"/wechat/oa?signature={OaSignature.Compute(Token, "1409659813", "1372623149")}&timestamp=1409659813&nonce=1372623149"
            + "&openid=mycreate&encrypt_type=aes&msg_signature=477715d11cdb4164915debcba66cb864d751f3e6";

        var first = await PostAsync(url, body);
        var retry = await PostAsync(url, body);

        Assert.Equal((HttpStatusCode.OK, "success"), (first.StatusCode, await first.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.OK, "success"), (retry.StatusCode, await retry.Content.ReadAsStringAsync()));
        var row = Assert.Single(await EventsAsync("mycreate"));
        Assert.Equal(("msg:4561255354251345929", "text"), (row.DedupKey, row.MsgType));
        Assert.Contains("\"Content\":\"hello\"", row.FieldsJson);
        await MessagesFactory.EventuallyAsync(async () => (await EventsAsync("mycreate")).Single().ProcessedAt is not null, "processing");
    }

    [Fact]
    public async Task TamperedSafeModePush_Is401_AndStoresNothing()
    {
        var (url, body) = Push("o_tamper", "subscribe", 1_735_700_001);

        var response = await PostAsync(url.Replace("msg_signature=", "msg_signature=0"), body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await EventsAsync("o_tamper"));
    }

    [Fact]
    public async Task SubscribeFromStoreQr_IsAttributedToTheStore_FollowsTheMember_AndDuplicatesAreIgnored()
    {
        var storeId = await StoreAsync("SH9");
        var (user, memberId, _) = await factory.MemberAsync();
        var createTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (url, body) = Push(user.OaOpenId, "subscribe", createTime, "<EventKey><![CDATA[qrscene_store_SH9]]></EventKey><Ticket><![CDATA[gQH47joAAAAAAAAAASxodHRwOi8v]]></Ticket>");

        var responses = await Task.WhenAll(PostAsync(url, body), PostAsync(url, body), PostAsync(url, body));
        // WeChat's retry of the same event comes with a fresh nonce and signature, same FromUserName + CreateTime.
        var (retryUrl, retryBody) = Push(user.OaOpenId, "subscribe", createTime, "<EventKey><![CDATA[qrscene_store_SH9]]></EventKey>");
        var retry = await PostAsync(retryUrl, retryBody);

        Assert.All(responses.Append(retry), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var row = Assert.Single(await EventsAsync(user.OaOpenId));
        Assert.Equal(("subscribe", storeId), (row.Event, row.StoreId));
        await MessagesFactory.EventuallyAsync(() => factory.WithDbAsync(db =>
            db.MemberIdentities.AnyAsync(i => i.OpenId == user.OaOpenId && i.MemberId == memberId && i.Follows == true)), "the follow");
    }

    [Fact]
    public async Task Scan_IsRecordedWithItsStore()
    {
        var storeId = await StoreAsync("HZ9");
        var (url, body) = Push("o_scanner_1", "SCAN", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "<EventKey><![CDATA[store_HZ9]]></EventKey>");

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(url, body)).StatusCode);

        Assert.Equal(storeId, Assert.Single(await EventsAsync("o_scanner_1")).StoreId);
    }

    [Fact]
    public async Task TemplateSendJobFinish_SettlesTheDeliveryByMsgId_AndUserBlockStopsTheOaChannel()
    {
        var (user, memberId, _) = await factory.MemberAsync(follows: true);
        var delivered = await DeliveryAsync(memberId, msgid: 880_001);
        var blocked = await DeliveryAsync(memberId, msgid: 880_002);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var (url1, body1) = Push(user.OaOpenId, "TEMPLATESENDJOBFINISH", now, "<MsgID>880001</MsgID><Status><![CDATA[success]]></Status>");
        var (url2, body2) = Push(user.OaOpenId, "TEMPLATESENDJOBFINISH", now + 1, "<MsgID>880002</MsgID><Status><![CDATA[failed:user block]]></Status>");
        await PostAsync(url1, body1);
        await PostAsync(url2, body2);

        await MessagesFactory.EventuallyAsync(async () => (await factory.DeliveryAsync(blocked)).Status == DeliveryStatus.Failed, "the failed job");
        await MessagesFactory.EventuallyAsync(async () => (await factory.DeliveryAsync(delivered)).Status == DeliveryStatus.Delivered, "the delivered job");
        Assert.Equal("TEMPLATESENDJOBFINISH: failed:user block", (await factory.DeliveryAsync(blocked)).Reason);
        await MessagesFactory.EventuallyAsync(() => factory.WithDbAsync(db => db.MemberChannelStates.AnyAsync(s => s.MemberId == memberId && s.OaBlockedAt != null)));
        // A member who blocks OA messages gets none: no consent either, so the next one is undeliverable.
        await factory.RegisterTemplatesAsync();
        var next = await factory.SendAsync(memberId, MessageKinds.PointsEarned, "earn:after-block");
        Assert.Equal(DeliveryOutcomeStatus.Undeliverable, next.Status);
        Assert.Contains("blocks OA template messages", next.Reason);
    }

    [Fact]
    public async Task TemplateSendJobFinish_ArrivingBeforeTheSendIsRecorded_IsSettledWhenTheBatchRecordsIt()
    {
        var (user, memberId, _) = await factory.MemberAsync(follows: true);
        // The batch sender has claimed the delivery and WeChat answered, but the msgid is not recorded yet.
        var early = await DeliveryAsync(memberId, msgid: 880_101);
        await factory.WithDbAsync(db => db.MessageDeliveries.Where(d => d.Id == early)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.Msgid, (long?)null)));

        var (url, body) = Push(user.OaOpenId, "TEMPLATESENDJOBFINISH", DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            "<MsgID>880101</MsgID><Status><![CDATA[success]]></Status>");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(url, body)).StatusCode);
        var waiting = (await EventsAsync(user.OaOpenId)).Single(e => e.Event == "TEMPLATESENDJOBFINISH");
        Assert.Null(waiting.ProcessedAt);
        Assert.Equal(DeliveryStatus.Pending, (await factory.DeliveryAsync(early)).Status);

        // The batch records its outcome (Sent, msgid) and settles the pushes that came first, in one statement.
        var settled = await factory.WithDbAsync(async db =>
        {
            await db.MessageDeliveries.Where(d => d.Id == early)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Sent).SetProperty(d => d.Msgid, 880_101L));
            return await TemplateJobFinish.SettleWaitingAsync(db, [early], DateTime.UtcNow, CancellationToken.None);
        });

        Assert.Equal(2, settled); // the delivery and its event
        Assert.Equal(DeliveryStatus.Delivered, (await factory.DeliveryAsync(early)).Status);
        Assert.NotNull((await EventsAsync(user.OaOpenId)).Single(e => e.Event == "TEMPLATESENDJOBFINISH").ProcessedAt);
    }

    [Fact]
    public async Task TemplateSendJobFinish_IsSettledAsItIsStored_AndItsRetryChangesNothing()
    {
        var (user, memberId, _) = await factory.MemberAsync(follows: true);
        var failed = await DeliveryAsync(memberId, msgid: 880_201);
        var (url, body) = Push(user.OaOpenId, "TEMPLATESENDJOBFINISH", DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            "<MsgID>880201</MsgID><Status><![CDATA[failed: system failed]]></Status>");

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(url, body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(url, body)).StatusCode);

        var delivery = await factory.DeliveryAsync(failed);
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Equal("TEMPLATESENDJOBFINISH: failed: system failed", delivery.Reason);
        var stored = Assert.Single(await EventsAsync(user.OaOpenId), e => e.Event == "TEMPLATESENDJOBFINISH");
        Assert.NotNull(stored.ProcessedAt);
    }

    private (string Url, string Body) Push(string openId, string eventName, long createTime, string extra = "")
    {
        var crypt = new WxBizMsgCrypt(Token, EncodingAesKey, AppId);
        var inner = $"<xml><ToUserName><![CDATA[gh_5823bf96d3bd]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>"
            + $"<CreateTime>{createTime.ToString(CultureInfo.InvariantCulture)}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            + $"<Event><![CDATA[{eventName}]]></Event>{extra}</xml>";
        var encrypt = crypt.Encrypt(inner);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        var url = $"/wechat/oa?signature={OaSignature.Compute(Token, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}"
            + $"&openid={openId}&encrypt_type=aes&msg_signature={crypt.Signature(timestamp, nonce, encrypt)}";
        return (url, $"<xml><ToUserName><![CDATA[gh_5823bf96d3bd]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
    }

    private Task<HttpResponseMessage> PostAsync(string url, string body) =>
        factory.CreateClient().PostAsync(url, new StringContent(body, Encoding.UTF8, "text/xml"));

    private Task<List<OaEvent>> EventsAsync(string openId) =>
        factory.WithDbAsync(db => db.OaEvents.AsNoTracking().Where(e => e.OpenId == openId).ToListAsync());

    private Task<long> StoreAsync(string code) => factory.WithDbAsync(async db =>
    {
        var store = new Store { Code = code, Name = code, City = "上海", CreatedAt = DateTime.UtcNow };
        db.Stores.Add(store);
        await db.SaveChangesAsync();
        return store.Id;
    });

    private Task<long> DeliveryAsync(long memberId, long msgid) => factory.WithDbAsync(async db =>
    {
        var delivery = new MessageDelivery
        {
            MemberId = memberId, Kind = MessageKinds.PointsEarned, OccasionKey = $"earn:job-{msgid}", Channel = DeliveryChannel.OfficialAccount,
            TemplateId = MessagesFactory.OaTemplate, Status = DeliveryStatus.Sent, Errcode = 0, Msgid = msgid, Attempts = 1,
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.MessageDeliveries.Add(delivery);
        await db.SaveChangesAsync();
        return delivery.Id;
    });
}
