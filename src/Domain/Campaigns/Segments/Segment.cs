namespace WechatLoyalty.Domain.Campaigns.Segments;

/// <summary>A saved, reusable segment: a name and its definition (JSON, validated by <see cref="SegmentParser"/>).</summary>
public class Segment
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string DefinitionJson { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
