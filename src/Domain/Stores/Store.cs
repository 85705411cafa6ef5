namespace WechatLoyalty.Domain.Stores;

/// <summary>A physical store. Its short code goes into QR scenes (<c>s=&lt;code&gt;</c>), so it is ASCII and short.</summary>
public class Store
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string City { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }

    public List<Staff> Staff { get; } = [];
}

/// <summary>A store employee who can be credited with the members they sign up (<c>u=&lt;code&gt;</c> in the scene).</summary>
public class Staff
{
    public long Id { get; set; }
    public long StoreId { get; set; }
    public Store? Store { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
}
