using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Campaigns;

/// <summary>
/// The legal moves: draft → scheduled (→ draft again) → sending → done; sending ⇄ paused; anything not finished →
/// cancelled. Sending and done are entered only by the fan-out. Anything else is a 409.
/// </summary>
public static class CampaignStates
{
    private static readonly Dictionary<CampaignStatus, CampaignStatus[]> Moves = new()
    {
        [CampaignStatus.Draft] = [CampaignStatus.Scheduled, CampaignStatus.Cancelled],
        [CampaignStatus.Scheduled] = [CampaignStatus.Draft, CampaignStatus.Sending, CampaignStatus.Cancelled],
        [CampaignStatus.Sending] = [CampaignStatus.Paused, CampaignStatus.Done, CampaignStatus.Cancelled],
        [CampaignStatus.Paused] = [CampaignStatus.Sending, CampaignStatus.Cancelled],
        [CampaignStatus.Done] = [],
        [CampaignStatus.Cancelled] = [],
    };

    public static bool CanMove(CampaignStatus from, CampaignStatus to) => Moves[from].Contains(to);

    public static void Require(CampaignStatus from, CampaignStatus to)
    {
        if (!CanMove(from, to))
            throw new DomainException("campaign.illegal_transition", $"A {from.ToString().ToLowerInvariant()} campaign cannot become {to.ToString().ToLowerInvariant()}.",
                DomainErrorKind.Conflict);
    }
}
