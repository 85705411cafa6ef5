namespace WechatLoyalty.Domain.Kpis;

public enum KpiGrain
{
    Day,
    Week,
    Month,
}

/// <summary>
/// What a panel is asked for: programme-time-zone days <see cref="From"/>..<see cref="To"/> (both inclusive), an
/// optional store, a grain for the time series. <see cref="FallbackPreset"/> is the preset whose rules apply
/// while no programme version was saved (the host's Programme:Preset).
/// </summary>
public sealed record KpiQuery(DateOnly From, DateOnly To, long? StoreId, KpiGrain Grain, string FallbackPreset = "accessory")
{
    /// <summary>Longest range a panel computes: two years (a year-on-year view), a year at day grain.</summary>
    public const int MaxDays = 731;

    public const int MaxDaysAtDayGrain = 366;

    public KpiQuery Validated()
    {
        if (To < From) throw new Common.DomainException("kpi.range", "'to' must not be before 'from'.");
        var days = To.DayNumber - From.DayNumber + 1;
        if (days > MaxDays) throw new Common.DomainException("kpi.range", $"At most {MaxDays} days at a time.");
        if (Grain == KpiGrain.Day && days > MaxDaysAtDayGrain)
            throw new Common.DomainException("kpi.range", $"At most {MaxDaysAtDayGrain} days at day grain; use week or month.");
        return this;
    }
}

/// <summary>What a panel is, independent of a query: the list the console builds its dashboard from.</summary>
public sealed record KpiPanelInfo(string Id, string Title, string TitleEn, string Definition, string DefinitionEn, string Unit, string Chart);

public sealed record KpiPoint(string X, decimal? Y);

public sealed record KpiSeries(string Name, string NameEn, IReadOnlyList<KpiPoint> Points);

public sealed record KpiFigure(string Name, string NameEn, decimal? Value, string Unit, string Definition, string DefinitionEn);

/// <summary>A table for display and CSV export; <see cref="Columns"/> in zh-CN, <see cref="ColumnsEn"/> in English.</summary>
public sealed record KpiTable(IReadOnlyList<string> Columns, IReadOnlyList<string> ColumnsEn, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>
/// One computed panel (the JSON contract in contracts.md). <see cref="Available"/> is false, with a
/// <see cref="Note"/>, when the data it needs does not exist in this deployment yet.
/// </summary>
public sealed record KpiResult(
    string Id, string Title, string TitleEn, string Definition, string DefinitionEn, string Unit, string Chart,
    DateOnly From, DateOnly To, long? StoreId, string Grain,
    IReadOnlyList<KpiSeries> Series, IReadOnlyList<KpiFigure> Figures, KpiTable? Table,
    bool Available = true, string? Note = null, string? NoteEn = null);

/// <summary>One KPI panel: its definition and the set-based SQL that computes it.</summary>
public abstract class KpiPanel
{
    public abstract KpiPanelInfo Info { get; }

    public abstract Task<KpiResult> ComputeAsync(KpiQuery query, CancellationToken ct);

    protected KpiResult Result(KpiQuery q, IReadOnlyList<KpiSeries> series, IReadOnlyList<KpiFigure> figures, KpiTable? table,
        bool available = true, string? note = null, string? noteEn = null) =>
        new(Info.Id, Info.Title, Info.TitleEn, Info.Definition, Info.DefinitionEn, Info.Unit, Info.Chart,
            q.From, q.To, q.StoreId, q.Grain.ToString().ToLowerInvariant(), series, figures, table, available, note, noteEn);
}

/// <summary>Thresholds of the lifecycle stages (loyalty-rules.md §5: configuration; defaults 30 / 90 / 180 days).</summary>
public sealed class LifecycleThresholds
{
    public const string Section = "Kpis:Lifecycle";

    /// <summary>A member who joined fewer than this many days ago is new.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 365)]
    public int NewDays { get; set; } = 30;

    /// <summary>A purchase within this many days makes a member active.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 730)]
    public int ActiveDays { get; set; } = 90;

    /// <summary>Last purchase between ActiveDays and this many days ago: dormant; longer: lost.</summary>
    [System.ComponentModel.DataAnnotations.Range(2, 1095)]
    public int DormantDays { get; set; } = 180;
}
