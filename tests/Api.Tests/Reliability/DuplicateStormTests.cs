using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Api.Tests.Reliability;

/// <summary>
/// WeChat Pay at its worst: payment and refund notifications, half of them delivered more than once, all shuffled
/// (refunds before their payments), sent concurrently, each retried like WeChat until it is acknowledged. Every
/// balance equals the ledger computed here by hand; nothing is credited or reversed twice.
/// </summary>
public class DuplicateStormTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    private sealed record Delivery(string Key, bool Redelivery, Func<HttpRequestMessage> Build);

    [Fact]
    public async Task ShuffledConcurrentDuplicates_CreditAndReverseEachNotificationExactlyOnce()
    {
        var random = new Random(20261123);
        var customers = new List<Customer>();
        for (var i = 0; i < 5; i++) customers.Add(await Shop.CustomerAsync(factory));

        var expected = customers.ToDictionary(c => c.MemberId!.Value, _ => 0L);
        var unique = new List<(string Key, Func<HttpRequestMessage> Build)>();
        var refundCount = 0;
        var expectedRefunded = new Dictionary<string, long>();
        foreach (var customer in customers)
        {
            // Under 3,000 CNY per member: no tier upgrade (and no upgrade reward) whose timing would depend on the order.
            for (var n = 0; n < 8; n++)
            {
                var amount = random.Next(10, 300) * 100;
                var outTradeNo = await Shop.OrderAsync(customer.Client, amount);
                var paid = new SimPayment(outTradeNo, "4200" + Guid.NewGuid().ToString("N")[..28], amount, amount, customer.User.MiniOpenId);
                var transaction = SignedNotifications.Transaction(factory, paid);
                unique.Add(($"pay:{paid.TransactionId}", () => SignedNotifications.Request(factory, "TRANSACTION.SUCCESS", transaction)));
                expected[customer.MemberId!.Value] += amount / 100;
                expectedRefunded[paid.TransactionId] = 0;

                // About half the payments are partly refunded, some twice; whole yuan, so the reversal is exact.
                var left = amount;
                for (var r = 0; r < 2 && random.NextDouble() < 0.5 && left > 100; r++)
                {
                    var refund = random.Next(1, left / 100) * 100;
                    left -= refund;
                    var resource = RefundResource(paid, refund);
                    unique.Add(($"refund:{resource["out_refund_no"]}", () => SignedNotifications.Request(factory, "REFUND.SUCCESS", resource)));
                    expected[customer.MemberId!.Value] -= refund / 100;
                    expectedRefunded[paid.TransactionId] += refund;
                    refundCount++;
                }
            }
        }

        // One in three delivered three times, one in three twice: half of all deliveries are duplicates.
        var deliveries = unique.SelectMany((u, i) => Enumerable.Range(0, 1 + (2 - i % 3)).Select(copy => new Delivery(u.Key, copy > 0, u.Build)))
            .OrderBy(_ => random.Next()).ToList();
        var duplicateShare = deliveries.Count(d => d.Redelivery) / (double)deliveries.Count;
        Assert.True(duplicateShare >= 0.3, $"duplicates are {duplicateShare:P0} of deliveries");

        var statuses = new ConcurrentBag<HttpStatusCode>();
        using var client = factory.CreateClient();
        // 16 requests in flight at most; a delivery waiting for its retry holds no slot (WeChat schedules it for later).
        using var slots = new SemaphoreSlim(16);
        await Task.WhenAll(deliveries.Select(async delivery =>
        {
            // As WeChat does: anything but a 2xx is delivered again later (a refund may arrive before its payment).
            for (var attempt = 0; ; attempt++)
            {
                HttpStatusCode status;
                string reply;
                await slots.WaitAsync();
                try
                {
                    using var request = delivery.Build();
                    using var response = await client.SendAsync(request);
                    status = response.StatusCode;
                    reply = await response.Content.ReadAsStringAsync();
                }
                finally
                {
                    slots.Release();
                }
                statuses.Add(status);
                if ((int)status is >= 200 and < 300) return;
                Assert.True(status != HttpStatusCode.Unauthorized, $"{delivery.Key} did not verify");
                Assert.True(attempt < 200, $"{delivery.Key} was never acknowledged: {status} {reply}");
                await Task.Delay(25);
            }
        }));

        Assert.DoesNotContain(HttpStatusCode.InternalServerError, statuses);
        await factory.WithDbAsync(async db =>
        {
            Assert.Equal(expectedRefunded.Count, await db.Payments.CountAsync());
            Assert.Equal(refundCount, await db.Refunds.CountAsync());
            Assert.Equal(expectedRefunded.Count, await db.PointEntries.CountAsync(e => e.Kind == PointEntryKind.Earn));
            Assert.Equal(refundCount, await db.PointEntries.CountAsync(e => e.Kind == PointEntryKind.Refund));
            var refunded = await db.Payments.ToDictionaryAsync(p => p.TransactionId, p => p.RefundedFen);
            Assert.Equal(expectedRefunded.OrderBy(p => p.Key), refunded.OrderBy(p => p.Key));
            var balances = await db.Members.Where(m => expected.Keys.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.PointsBalance);
            Assert.Equal(expected.OrderBy(p => p.Key), balances.OrderBy(p => p.Key));
        });
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<PointsBalanceCheck>().FindAllMismatchesAsync());
    }

    private Dictionary<string, object?> RefundResource(SimPayment paid, int refund) => new()
    {
        ["mchid"] = factory.Simulator.Options.Pay.MchId, ["out_trade_no"] = paid.OutTradeNo, ["transaction_id"] = paid.TransactionId,
        ["out_refund_no"] = "RS" + Guid.NewGuid().ToString("N")[..24], ["refund_id"] = "5030" + Guid.NewGuid().ToString("N")[..26],
        ["refund_status"] = "SUCCESS", ["success_time"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz"),
        ["user_received_account"] = "支付用户零钱",
        ["amount"] = new Dictionary<string, object?> { ["total"] = paid.Total, ["refund"] = refund, ["payer_total"] = paid.PayerTotal, ["payer_refund"] = refund },
    };
}
