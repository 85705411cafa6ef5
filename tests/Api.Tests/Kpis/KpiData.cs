using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Tests.Kpis;

/// <summary>
/// A small programme whose every KPI is worked out by hand in the tests (Shanghai = UTC+8). October 2026 is the
/// period. m3 joins at 23:30 Shanghai on 31 Oct (in), m4 at 00:10 on 1 Nov (out); p3 is paid at 23:30 on 31 Oct
/// (in), p4 at 00:10 on 1 Nov (out).
/// </summary>
internal sealed class KpiData
{
    public long StoreA { get; private set; }
    public long StoreB { get; private set; }
    public Dictionary<string, long> Members { get; } = [];

    public static DateTime Utc(string iso) => DateTime.SpecifyKind(DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    public static async Task<KpiData> SeedAsync(LoyaltyApiFactory factory)
    {
        var data = new KpiData();
        await factory.WithDbAsync(async db =>
        {
            var suffix = Guid.NewGuid().ToString("N")[..6];
            var a = new Store { Code = $"A{suffix}", Name = "南京西路店", City = "上海", CreatedAt = Utc("2025-01-01") };
            var b = new Store { Code = $"B{suffix}", Name = "Store, \"B\"", City = "北京", CreatedAt = Utc("2025-01-01") };
            db.Stores.AddRange(a, b);
            await db.SaveChangesAsync();
            data.StoreA = a.Id;
            data.StoreB = b.Id;

            Member M(string name, long store, JoinSource source, string joined, string? deleted = null)
            {
                var m = TestData.Member("ordinary", Utc(joined));
                m.StoreId = store;
                m.JoinSource = source;
                m.DeletedAt = deleted is null ? null : Utc(deleted);
                db.Members.Add(m);
                return m;
            }
            var ms = new Dictionary<string, Member>
            {
                ["m1"] = M("m1", a.Id, JoinSource.StoreQr, "2026-09-01T00:00:00Z"),
                ["m2"] = M("m2", a.Id, JoinSource.Referral, "2026-10-05T02:00:00Z"),
                ["m3"] = M("m3", b.Id, JoinSource.OfficialAccountQr, "2026-10-31T15:30:00Z"),
                ["m4"] = M("m4", b.Id, JoinSource.StoreQr, "2026-10-31T16:10:00Z"),
                ["m5"] = M("m5", a.Id, JoinSource.Organic, "2026-03-01T00:00:00Z"),
                ["m6"] = M("m6", b.Id, JoinSource.StoreQr, "2026-01-10T00:00:00Z"),
                ["m7"] = M("m7", b.Id, JoinSource.Organic, "2025-01-01T00:00:00Z"),
                ["m8"] = M("m8", a.Id, JoinSource.Organic, "2025-06-01T00:00:00Z", deleted: "2026-10-20T00:00:00Z"),
            };
            // Current balances: the sum of each member's ledger entries below.
            ms["m1"].PointsBalance = 1269;
            ms["m1"].PendingPoints = 300;
            ms["m2"].PointsBalance = 40;
            await db.SaveChangesAsync();
            foreach (var (k, v) in ms) data.Members[k] = v.Id;

            void P(string? member, long fen, string paidAt, long store, long refunded = 0)
            {
                var p = TestData.Payment(member is null ? 0 : ms[member].Id, fen, Utc(paidAt), refunded);
                p.MemberId = member is null ? null : ms[member].Id;
                p.StoreId = store;
                db.Payments.Add(p);
            }
            P("m1", 10000, "2026-09-15T04:00:00Z", a.Id);
            P("m1", 20000, "2026-10-10T04:00:00Z", a.Id);
            P("m1", 30000, "2026-10-31T15:30:00Z", a.Id);
            P("m1", 99900, "2026-10-31T16:10:00Z", a.Id);
            P("m2", 5000, "2026-10-06T04:00:00Z", a.Id, refunded: 1000);
            P("m2", 8000, "2026-10-07T04:00:00Z", a.Id, refunded: 8000);
            P("m5", 4000, "2026-09-20T04:00:00Z", a.Id);
            P("m6", 7000, "2026-06-15T04:00:00Z", b.Id);
            P("m7", 3000, "2025-12-01T04:00:00Z", b.Id);
            P(null, 6000, "2026-10-12T04:00:00Z", a.Id);
            P(null, 100, "2026-10-20T04:00:00Z", b.Id);

            void E(string member, PointEntryKind kind, long delta, string at, long pending = 0) => db.PointEntries.Add(new PointEntry
            {
                MemberId = ms[member].Id, Kind = kind, Delta = delta, PendingDelta = pending, IdempotencyKey = $"kpi:{Guid.NewGuid():N}",
                CreatedAt = Utc(at),
            });
            E("m1", PointEntryKind.Earn, 100, "2026-09-15T04:00:00Z");
            E("m1", PointEntryKind.Earn, 200, "2026-10-10T04:00:00Z");
            E("m1", PointEntryKind.Redeem, -50, "2026-10-15T04:00:00Z");
            E("m1", PointEntryKind.RedeemRelease, 20, "2026-10-16T04:00:00Z");
            E("m1", PointEntryKind.Expire, -10, "2026-10-20T04:00:00Z");
            E("m1", PointEntryKind.Adjust, -5, "2026-10-25T04:00:00Z");
            E("m1", PointEntryKind.Adjust, 15, "2026-10-26T04:00:00Z");
            E("m1", PointEntryKind.Earn, 0, "2026-10-31T15:30:00Z", pending: 300);
            E("m1", PointEntryKind.Earn, 999, "2026-10-31T16:10:00Z");
            E("m2", PointEntryKind.Earn, 50, "2026-10-06T04:00:00Z");
            E("m2", PointEntryKind.Refund, -10, "2026-10-08T04:00:00Z");
            await db.SaveChangesAsync();
        });
        return data;
    }
}
