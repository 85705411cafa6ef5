namespace WechatLoyalty.Simulator.State;

/// <summary>Fault knobs changeable at run time (POST /sim/faults). Reads are lock-free snapshots.</summary>
public sealed class Faults
{
    private volatile FaultSnapshot _current;
    private readonly FaultSnapshot _initial;

    public Faults(SimulatorOptions options)
    {
        var f = options.Faults;
        _initial = new FaultSnapshot(f.ErrorRate, f.LatencyMs, f.QuotaExhausted, f.DuplicateRate, f.ConcurrentDuplicates);
        _current = _initial;
    }

    public FaultSnapshot Current => _current;

    public void Set(FaultSnapshot snapshot) => _current = snapshot;

    public void Reset() => _current = _initial;

    /// <summary>True when this call should fail with -1 / SYSTEM_ERROR.</summary>
    public bool ShouldFail() => _current.ErrorRate > 0 && Random.Shared.NextDouble() < _current.ErrorRate;

    public bool ShouldDuplicate() => _current.DuplicateRate > 0 && Random.Shared.NextDouble() < _current.DuplicateRate;
}

public sealed record FaultSnapshot(double ErrorRate, int LatencyMs, bool QuotaExhausted, double DuplicateRate, bool ConcurrentDuplicates);
