namespace WechatLoyalty.TiersAndExpiry;

/// <summary>Timings of one comparison: the job and its raw SQL baseline, each run several times.</summary>
internal sealed class Comparison(string name, string goal)
{
    public string Name { get; } = name;
    public string Goal { get; } = goal;
    public List<double> JobSeconds { get; } = [];
    public List<double> RawSeconds { get; } = [];
    public List<string> Notes { get; } = [];

    public double JobMedian => Median(JobSeconds);
    public double RawMedian => Median(RawSeconds);
    public double Ratio => JobMedian / RawMedian;
    public bool Met => Ratio <= 1.5;

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
