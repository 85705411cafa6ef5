namespace WechatLoyalty.Jobs;

/// <summary>Recurring job ids: constants, because Hangfire keys its schedule by them and a rename would orphan one.</summary>
public static class RecurringJobIds
{
    public const string ExpirePoints = "points-expire";
    public const string ReleasePendingPoints = "points-release-pending";
    public const string CheckBalances = "points-check-balances";
    public const string ReconcilePayments = "payments-reconcile";
    public const string RecalculateTiers = "tiers-recalculate";
    public const string ReleaseReferralRewards = "referrals-release-rewards";
    public const string DispatchCampaigns = "campaigns-dispatch";
    public const string Birthdays = "messages-birthdays";
    public const string ExpiryReminders = "messages-expiry-reminders";
    public const string TierNotices = "messages-tier-notices";
    public const string ResumePausedMessages = "messages-resume";
    public const string SweepOaEvents = "messages-oa-events";
    public const string RefreshKpiRollup = "kpis-rollup";

    /// <summary>Defaults, overridable per id in <c>Jobs:Recurring</c>.</summary>
    public static IReadOnlyDictionary<string, string> DefaultCron { get; } = new Dictionary<string, string>
    {
        // Just after midnight programme time: lots expire at the end of their last day.
        [ExpirePoints] = "5 0 * * *",
        [ReleasePendingPoints] = "*/15 * * * *",
        [CheckBalances] = "30 3 * * *",
        [ReconcilePayments] = "*/5 * * * *",
        // At night, after the day's refunds have landed and before the morning's messages.
        [RecalculateTiers] = "30 2 * * *",
        // Referrer rewards whose return window closed: as often as pending points.
        [ReleaseReferralRewards] = "*/15 * * * *",
        // Starts due campaigns and resumes ones a crashed run left mid-way (their own scheduled runs are faster).
        [DispatchCampaigns] = "* * * * *",
        // Morning programme time, after the night's tier changes and clear of the quiet hours (21:00-09:00).
        [Birthdays] = "30 9 * * *",
        [ExpiryReminders] = "0 10 * * *",
        [TierNotices] = "*/5 * * * *",
        [ResumePausedMessages] = "*/10 * * * *",
        [SweepOaEvents] = "* * * * *",
        // Members whose payments changed since the last run are computed live by every KPI panel: keep them few.
        [RefreshKpiRollup] = "*/10 * * * *",
    };
}
