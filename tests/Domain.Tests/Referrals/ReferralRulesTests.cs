using WechatLoyalty.Domain.Referrals;

namespace WechatLoyalty.Domain.Tests.Referrals;

public class ReferralRulesTests
{
    private static readonly DateTime Joined = new(2026, 11, 20, 4, 0, 0, DateTimeKind.Utc);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Theory]
    [InlineData(0, false)]
    [InlineData(6.9, false)]
    [InlineData(7, false)]
    [InlineData(7.01, true)]
    [InlineData(30, true)]
    public void IsLate_RefusesOpensOlderThanTheWindow(double daysBeforeJoining, bool late) =>
        Assert.Equal(late, ReferralRules.IsLate(Joined.AddDays(-daysBeforeJoining), Joined, 7));

    [Fact]
    public void IsLate_IsFalse_WhenNoOpenWasRecorded() => Assert.False(ReferralRules.IsLate(null, Joined, 7));

    [Fact]
    public void SelfReferral_NamesUnionId_ThenPhone()
    {
        byte[] phone = [1, 2, 3];
        Assert.Equal(RefusalReasons.SelfReferralUnionId, ReferralRules.SelfReferral(new("u1", null), new("u1", phone)));
        Assert.Equal(RefusalReasons.SelfReferralPhone, ReferralRules.SelfReferral(new("u1", [1, 2, 3]), new("u2", phone)));
        Assert.Null(ReferralRules.SelfReferral(new("u1", [1, 2, 4]), new("u2", phone)));
        Assert.Null(ReferralRules.SelfReferral(new(null, null), new(null, null)));
    }

    [Fact]
    public void IsCircular_FindsTheNewcomerUpTheChain()
    {
        // C (referrer) ← B ← A: the newcomer is A's person coming back (same UnionID as A).
        List<ChainLink> chain = [new(3, 2, "uC", null, 30), new(2, 1, "uB", null, 20), new(1, null, "uA", null, 10)];

        Assert.True(ReferralRules.IsCircular(chain, 99, new PersonKeys("uA", null), 77));
        Assert.False(ReferralRules.IsCircular(chain, 99, new PersonKeys("uX", null), 77));
    }

    [Fact]
    public void IsCircular_IsTrue_WhenTheNewcomersIdentityOnceJoinedAsAChainMember()
    {
        // A deleted the account (UnionID erased) and joins again with the same WeChat identity through B, whom A referred.
        List<ChainLink> chain = [new(2, 1, "uB", null, 20), new(1, 9, null, null, 10)];

        Assert.True(ReferralRules.IsCircular(chain, 50, new PersonKeys(null, null), newcomerIdentityId: 10));
    }

    [Fact]
    public void IsCircular_IsTrue_WhenTheChainAlreadyLoops()
    {
        List<ChainLink> chain = [new(2, 1, "uB", null, 20), new(1, 2, "uA", null, 10), new(2, 1, "uB", null, 20)];

        Assert.True(ReferralRules.IsCircular(chain, 50, new PersonKeys("uN", null), 5));
    }

    [Theory]
    [InlineData(19, 20, false)]
    [InlineData(20, 20, true)]
    [InlineData(0, 0, true)]
    public void OverCap_AllowsUpToTheCap(int rewarded, int cap, bool over) => Assert.Equal(over, ReferralRules.OverCap(rewarded, cap));

    [Fact]
    public void RewardMonth_IsTheProgrammeMonth()
    {
        // 2026-11-30 17:00 UTC is already December 1st in Shanghai.
        Assert.Equal("2026-12", ReferralRules.RewardMonth(new DateTime(2026, 11, 30, 17, 0, 0, DateTimeKind.Utc), Shanghai));
        Assert.Equal("2026-11", ReferralRules.RewardMonth(new DateTime(2026, 11, 30, 15, 59, 0, DateTimeKind.Utc), Shanghai));
    }

    [Theory]
    [InlineData(10_000, 10_000, 0, true)]   // refunded in full inside the window
    [InlineData(10_000, 4_000, 0, false)]   // partly refunded: the friend still bought something
    [InlineData(10_000, 10_000, 8, false)]  // refunded after the window closed: the reward stands
    public void ReverseOnRefund_OnlyForAFullRefundInsideTheWindow(long paid, long refunded, int daysAfterPurchase, bool reverse)
    {
        var until = ReferralRules.RewardPendingUntil(Joined, 7);
        Assert.Equal(reverse, ReferralRules.ReverseOnRefund(paid, refunded, 1, Joined.AddDays(daysAfterPurchase), until));
    }

    [Theory]
    [InlineData(1008, false, CardSource.Group)]
    [InlineData(1044, false, CardSource.Group)]
    [InlineData(1007, true, CardSource.Group)]
    [InlineData(1007, false, CardSource.Chat)]
    [InlineData(1047, false, CardSource.Poster)]
    [InlineData(null, false, CardSource.Other)]
    public void SourceOf_ReadsTheLaunchScene(int? scene, bool hasGroup, CardSource source) =>
        Assert.Equal(source, ReferralRules.SourceOf(scene, hasGroup));

    [Theory]
    [InlineData("小明同学", "小**")]
    [InlineData("Alice", "A**")]
    [InlineData("  ", "微信用户")]
    [InlineData(null, "微信用户")]
    [InlineData("😀abc", "😀**")]
    public void MaskName_ShowsOnlyTheFirstCharacter(string? nickname, string masked) => Assert.Equal(masked, ReferralRules.MaskName(nickname));
}
