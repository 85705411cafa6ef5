using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Demo;

/// <summary>
/// Plays members' lives forward in time: join, pay (sometimes refund), earn lots, climb tiers. The result obeys
/// the same invariants as real data: balance = sum of the ledger, one payment per transaction id, tiers upgraded
/// by the payment that crossed the threshold over a rolling 365 days.
/// </summary>
internal sealed class DemoHistory(LoyaltyDbContext db, ProgrammeClock clock, ProgrammeRules rules, Random random, string appId)
{
    private const int Batch = 50;
    private int _tradeSeq;

    public async Task AddMembersAsync(IReadOnlyList<Store> stores, int count, int historyMonths, CancellationToken ct)
    {
        var now = clock.UtcNow;
        var start = now.AddMonths(-historyMonths);
        for (var done = 0; done < count; done += Batch)
        {
            var lives = new List<(Member Member, List<Payment> Payments)>();
            for (var i = done; i < Math.Min(count, done + Batch); i++)
            {
                var joinedAt = start + TimeSpan.FromMinutes(random.NextDouble() * (now - start).TotalMinutes);
                var member = NewMember(stores, joinedAt.UtcDateTime, i);
                lives.Add((member, NewPayments(member, joinedAt, now)));
            }
            db.Members.AddRange(lives.Select(l => l.Member));
            await db.SaveChangesAsync(ct);

            foreach (var (member, payments) in lives)
            {
                foreach (var p in payments) p.MemberId = member.Id;
                db.Payments.AddRange(payments);
            }
            db.Payments.AddRange(NonMemberPayments(stores, start, now, Batch / 10));
            await db.SaveChangesAsync(ct);

            foreach (var (member, payments) in lives) Credit(member, payments);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    private Member NewMember(IReadOnlyList<Store> stores, DateTime joinedAt, int index)
    {
        var store = stores[random.Next(stores.Count)];
        var source = (JoinSource)random.Next(4);
        var hasBirthday = random.NextDouble() < 0.8;
        var birthday = new DateOnly(1970 + random.Next(36), 1, 1).AddDays(random.Next(365));
        var member = new Member
        {
            MemberNo = MemberCodes.NewMemberNo(),
            ReferralCode = MemberCodes.NewReferralCode(),
            UnionId = $"oDemoU{index:000000}{random.Next(1_000_000):000000}",
            Nickname = $"会员{index + 1:000}",
            Gender = (Gender)random.Next(3),
            BirthYear = hasBirthday && random.NextDouble() < 0.6 ? birthday.Year : null,
            BirthMonth = hasBirthday ? birthday.Month : null,
            BirthDay = hasBirthday ? birthday.Day : null,
            TierCode = rules.Ladder.Entry.Code,
            TierReachedAt = joinedAt,
            JoinSource = source,
            StoreId = source is JoinSource.StoreQr or JoinSource.OfficialAccountQr ? store.Id : null,
            StaffId = source == JoinSource.StoreQr && random.NextDouble() < 0.7 ? store.Staff[random.Next(store.Staff.Count)].Id : null,
            TermsVersion = "2025-01",
            TermsAcceptedAt = joinedAt,
            JoinedAt = joinedAt,
        };
        member.Identities.Add(new MemberIdentity
        {
            AppId = appId,
            OpenId = $"oDemoM{index:000000}{random.Next(1_000_000):000000}",
            UnionId = member.UnionId,
            CreatedAt = joinedAt,
            LastSeenAt = joinedAt,
        });
        return member;
    }

    private List<Payment> NewPayments(Member member, DateTimeOffset joinedAt, DateTimeOffset now)
    {
        // A few big spenders, many occasional buyers, some who never came back: a realistic spread for tiers and churn.
        var appetite = random.NextDouble();
        var purchases = appetite < 0.15 ? 0 : appetite < 0.8 ? 1 + random.Next(6) : 6 + random.Next(20);
        var payments = new List<Payment>();
        for (var i = 0; i < purchases; i++)
        {
            var paidAt = joinedAt + TimeSpan.FromMinutes(random.NextDouble() * (now - joinedAt).TotalMinutes);
            var total = 2_000 + (long)(Math.Pow(random.NextDouble(), 2.2) * (appetite > 0.9 ? 480_000 : 150_000));
            payments.Add(NewPayment(member.Identities[0].OpenId, member.StoreId, paidAt.UtcDateTime, total));
        }
        return [.. payments.OrderBy(p => p.PaidAt)];
    }

    private IEnumerable<Payment> NonMemberPayments(IReadOnlyList<Store> stores, DateTimeOffset start, DateTimeOffset now, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var paidAt = start + TimeSpan.FromMinutes(random.NextDouble() * (now - start).TotalMinutes);
            yield return NewPayment($"oDemoGuest{random.Next(100_000_000):00000000}", stores[random.Next(stores.Count)].Id,
                paidAt.UtcDateTime, 1_000 + random.Next(60_000));
        }
    }

    private Payment NewPayment(string openId, long? storeId, DateTime paidAt, long totalFen)
    {
        var coupon = random.NextDouble() < 0.1 ? Math.Min(totalFen / 10, 2_000) : 0;
        var seq = ++_tradeSeq;
        return new Payment
        {
            TransactionId = $"4200{paidAt:yyyyMMdd}{seq:0000000}{random.Next(100_000_000):00000000}",
            OutTradeNo = $"DEMO{paidAt:yyyyMMdd}{seq:000000}",
            PayerOpenId = openId,
            StoreId = storeId,
            Channel = random.NextDouble() < 0.6 ? PaymentChannel.InStore : PaymentChannel.MiniProgram,
            TotalFen = totalFen,
            PayerTotalFen = totalFen - coupon,
            PaidAt = paidAt,
            CreatedAt = paidAt,
        };
    }

    /// <summary>Earns each payment's lot in time order, refunds a few, and upgrades the tier when spend crosses a threshold.</summary>
    private void Credit(Member member, List<Payment> payments)
    {
        var ladder = rules.Ladder;
        long balance = 0;
        db.TierChanges.Add(new TierChange
        {
            MemberId = member.Id, ToTier = ladder.Entry.Code, Reason = TierChangeReason.Joined, ChangedAt = member.JoinedAt,
        });
        foreach (var payment in payments)
        {
            var tier = ladder.Get(member.TierCode);
            var points = PointsRules.Earned(payment.PayerTotalFen, tier.PointsMultiplier);
            payment.PointsEarned = points;
            var lot = new PointLot
            {
                MemberId = member.Id, Source = PointSource.Purchase, Amount = points, Remaining = points, PaymentId = payment.Id,
                EarnedAt = payment.PaidAt, ExpiresAt = PointsRules.ExpiresAtUtc(payment.PaidAt, rules.PointsExpiryMonths, clock),
            };
            db.PointLots.Add(lot);
            balance += points;
            db.PointEntries.Add(new PointEntry
            {
                MemberId = member.Id, Kind = PointEntryKind.Earn, Delta = points, BalanceAfter = balance, Lot = lot,
                PaymentId = payment.Id, IdempotencyKey = $"earn:tx:{payment.TransactionId}", CreatedAt = payment.PaidAt,
            });

            if (random.NextDouble() < 0.04)
            {
                payment.RefundedFen = payment.PayerTotalFen / (1 + random.Next(3));
                var reversed = PointsRules.ReversedByRefund(points, payment.RefundedFen, payment.PayerTotalFen);
                lot.Remaining -= reversed;
                balance -= reversed;
                db.PointEntries.Add(new PointEntry
                {
                    MemberId = member.Id, Kind = PointEntryKind.Refund, Delta = -reversed, BalanceAfter = balance, Lot = lot,
                    PaymentId = payment.Id, IdempotencyKey = $"refund:demo:{payment.TransactionId}", CreatedAt = payment.PaidAt.AddDays(2),
                });
            }

            var spend = payments.Where(p => p.PaidAt <= payment.PaidAt && p.PaidAt > payment.PaidAt.AddDays(-365))
                .Sum(p => p.PayerTotalFen - p.RefundedFen);
            var qualifying = ladder.QualifyingTier(spend);
            if (qualifying.ThresholdFen > tier.ThresholdFen)
            {
                db.TierChanges.Add(new TierChange
                {
                    MemberId = member.Id, FromTier = tier.Code, ToTier = qualifying.Code, Reason = TierChangeReason.Payment,
                    NetSpendFen = spend, ChangedAt = payment.PaidAt,
                });
                member.TierCode = qualifying.Code;
                member.TierReachedAt = payment.PaidAt;
            }
        }
        member.PointsBalance = balance;
    }
}
