using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;

namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>Rows written straight to the database for tests that set up history the API would take months to make.</summary>
internal static class TestData
{
    public static Member Member(string tier, DateTime reachedAt, DateTime? joinedAt = null, long pointsBalance = 0) => new()
    {
        MemberNo = MemberCodes.NewMemberNo(), ReferralCode = MemberCodes.NewReferralCode(), TierCode = tier,
        TierReachedAt = reachedAt, TermsVersion = "t", TermsAcceptedAt = joinedAt ?? reachedAt, JoinedAt = joinedAt ?? reachedAt,
        PointsBalance = pointsBalance,
    };

    public static Payment Payment(long memberId, long payerTotalFen, DateTime paidAt, long refundedFen = 0) => new()
    {
        TransactionId = $"4200{Guid.NewGuid():N}"[..32], OutTradeNo = $"T{Guid.NewGuid():N}"[..32], MemberId = memberId,
        PayerOpenId = "oTestPayer", TotalFen = payerTotalFen, PayerTotalFen = payerTotalFen, RefundedFen = refundedFen,
        PaidAt = paidAt, CreatedAt = paidAt,
    };
}
