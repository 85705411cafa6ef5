extern alias sim;

using System.Net;
using System.Net.Http.Json;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Jobs.Points;
using WechatLoyalty.Wechat.OfficialAccount;
using Xunit.Abstractions;
using Sim = sim::WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Api.Tests.Reliability;

/// <summary>
/// The API on a MariaDB and a Redis of its own, which these tests kill and restart while the simulator delivers
/// payment notifications (WeChat's retry schedule, sped up) and members log in.
/// </summary>
public class OutageTests(OutageTests.Factory factory, ITestOutputHelper output) : IClassFixture<OutageTests.Factory>
{
    public sealed class Factory : LoyaltyApiFactory
    {
        public PrivateMariaDb MariaDb { get; private set; } = null!;

        public PrivateRedis Redis { get; private set; } = null!;

        protected override string MySqlServer => MariaDb.ServerConnectionString;

        protected override string RedisConfiguration => Redis.Configuration;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Jobs:ServerEnabled", "true"),
            new("Jobs:WorkerCount", "2"),
        ];

        protected override async Task StartDependenciesAsync()
        {
            MariaDb = await PrivateMariaDb.StartNewAsync();
            Redis = await PrivateRedis.StartNewAsync();
        }

        protected override async ValueTask StopDependenciesAsync()
        {
            await MariaDb.DisposeAsync();
            await Redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task DatabaseKilledAndRestartedMidLoad_EveryPaymentCreditedExactlyOnce_AfterWechatRetries()
    {
        var customers = new List<Customer>();
        for (var i = 0; i < 4; i++) customers.Add(await Shop.CustomerAsync(factory));
        var orders = new List<(Customer Customer, string OutTradeNo, int Amount)>();
        foreach (var customer in customers)
        {
            for (var n = 0; n < 5; n++)
            {
                var amount = (n + 1) * 1_000;
                orders.Add((customer, await Shop.OrderAsync(customer.Client, amount), amount));
            }
        }

        var paid = new List<SimPayment>();
        for (var i = 0; i < orders.Count; i++)
        {
            if (i == orders.Count / 2) await factory.MariaDb.KillAsync();
            paid.Add(await Shop.PayAsync(factory, orders[i].OutTradeNo));
        }
        // Down long enough for several deliveries to fail and be rescheduled.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await factory.MariaDb.StartAsync();

        var ours = orders.Select(o => o.OutTradeNo).ToList();
        List<Sim.PayNotification> notifications;
        lock (factory.Simulator.State.Gate) notifications = factory.Simulator.State.Notifications.Where(n => ours.Contains(n.BusinessKey)).ToList();
        Assert.Equal(orders.Count, notifications.Count);
        var until = DateTime.UtcNow.AddSeconds(90);
        while (await factory.WithDbAsync(db => db.Payments.CountAsync(p => ours.Contains(p.OutTradeNo))) < orders.Count)
        {
            if (DateTime.UtcNow > until)
            {
                lock (factory.Simulator.State.Gate)
                {
                    foreach (var n in notifications)
                        output.WriteLine($"{n.BusinessKey} {n.Status}: {string.Join(", ", n.Attempts.Select(a => $"#{a.Number} {a.At:HH:mm:ss.fff} {a.HttpStatus}{a.Error}"))}");
                }
                Assert.Fail($"{await factory.WithDbAsync(db => db.Payments.CountAsync(p => ours.Contains(p.OutTradeNo)))} of {orders.Count} payments recorded");
            }
            await Task.Delay(200);
        }
        var failedAttempts = notifications.SelectMany(n => n.Attempts).Count(a => !a.Succeeded);
        output.WriteLine($"{notifications.Count} notifications, {failedAttempts} failed attempts retried");
        Assert.True(failedAttempts > 0, "no delivery failed while the database was down: the test proved nothing");
        Assert.All(notifications.SelectMany(n => n.Attempts).Where(a => a.HttpStatus is { } s && s is >= 400 and < 500), a => Assert.Fail($"a 4xx ({a.HttpStatus}) would stop WeChat retrying"));

        await factory.WithDbAsync(async db =>
        {
            var paymentIds = await db.Payments.Where(p => ours.Contains(p.OutTradeNo)).Select(p => p.Id).ToListAsync();
            Assert.Equal(orders.Count, paymentIds.Count);
            Assert.Equal(orders.Count, await db.PointEntries.CountAsync(e => e.Kind == PointEntryKind.Earn && paymentIds.Contains(e.PaymentId!.Value)));
            foreach (var customer in customers)
            {
                var expected = orders.Where(o => o.Customer == customer).Sum(o => o.Amount / 100);
                Assert.Equal(expected, await db.Members.Where(m => m.Id == customer.MemberId).Select(m => m.PointsBalance).SingleAsync());
            }
        });
    }

    [Fact]
    public async Task DatabaseDown_AnOfficialAccountPushIsA503_AndStoredWhenWechatPushesItAgain()
    {
        var oa = factory.Simulator.Options.OfficialAccount;
        var msgId = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var url = $"/wechat/oa?signature={OaSignature.Compute(oa.Token, ts, "77")}&timestamp={ts}&nonce=77&openid=o_outage";
        var push = $"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o_outage]]></FromUserName><CreateTime>{ts}</CreateTime>"
            + $"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>{msgId}</MsgID><Status><![CDATA[success]]></Status></xml>";
        using var client = factory.CreateClient();
        Task<HttpResponseMessage> PushAsync() => client.PostAsync(url, new StringContent(push, System.Text.Encoding.UTF8, "text/xml"));

        await factory.MariaDb.KillAsync();
        HttpResponseMessage down;
        try
        {
            down = await PushAsync();
        }
        finally
        {
            await factory.MariaDb.StartAsync();
        }

        // Not stored, so not "success" (WeChat would not push it again) and not a 500: a 503 with a reason.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("wechat.push_not_stored", (await down.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString());
        // The de-duplication key was released, so WeChat's next push is taken in and stored once.
        var again = await PushAsync();
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("success", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await factory.WithDbAsync(db => db.OaEvents.CountAsync(e => e.DedupKey == $"msg:{msgId}")));
    }

    [Fact]
    public async Task RedisDown_LoginCardAndPaymentsKeepWorking_AndJobsResumeWhenItReturns()
    {
        var before = await Shop.CustomerAsync(factory);
        await factory.Redis.KillAsync();
        try
        {
            // Login and registration, the member card, an order and its payment notification: all without Redis.
            var customer = await Shop.CustomerAsync(factory);
            var card = await customer.Client.GetAsync("/api/members/me");
            Assert.Equal(HttpStatusCode.OK, card.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await before.Client.GetAsync("/api/members/me")).StatusCode);
            var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(customer.Client, 2_000));
            await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId), seconds: 60);
            Assert.Equal(20, (await Shop.MemberAsync(factory, customer.MemberId!.Value)).PointsBalance);
            var ready = await factory.CreateClient().GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }
        finally
        {
            await factory.Redis.StartAsync();
        }

        // Jobs: Hangfire reconnects and runs what is enqueued after Redis is back.
        var jobId = await EnqueueWhenRedisAnswersAsync();
        var until = DateTime.UtcNow.AddSeconds(90);
        string? state;
        do
        {
            await Task.Delay(250);
            using var connection = factory.Services.GetRequiredService<JobStorage>().GetConnection();
            state = connection.GetStateData(jobId)?.Name;
        } while (state != "Succeeded" && DateTime.UtcNow < until);
        Assert.Equal("Succeeded", state);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/health/ready")).StatusCode);
    }

    private async Task<string> EnqueueWhenRedisAnswersAsync()
    {
        var jobs = factory.Services.GetRequiredService<IBackgroundJobClient>();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return jobs.Enqueue<PointsJobs>(j => j.CheckBalancesAsync(CancellationToken.None));
            }
            catch (Exception) when (DateTime.UtcNow < until)
            {
                // The multiplexer reconnects in the background; the first commands after a restart may still fail.
                await Task.Delay(250);
            }
        }
    }
}
