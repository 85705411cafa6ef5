using System.ComponentModel.DataAnnotations;

namespace WechatLoyalty.Jobs;

/// <summary>Section <c>Jobs</c>: whether this process runs a Hangfire server, and the recurring schedule.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Run a Hangfire server in this process (the API does by default; turn it off when workers run apart).</summary>
    public bool ServerEnabled { get; set; } = true;

    [Range(1, 64, ErrorMessage = "Jobs:WorkerCount must be 1..64.")]
    public int WorkerCount { get; set; } = 4;

    /// <summary>Run every recurring job once at start-up (the demo does, so the dashboard shows real last runs).</summary>
    public bool TriggerOnStart { get; set; }

    /// <summary>Cron (in the programme time zone) per recurring job id; an empty value disables that job.</summary>
    public Dictionary<string, string> Recurring { get; set; } = new(StringComparer.Ordinal);
}
