using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WechatLoyalty.Domain.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without a running database or the API's configuration.
/// <c>dotnet ef database update</c> takes the real connection string with <c>--connection</c>.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<LoyaltyDbContext>
{
    public LoyaltyDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Loyalty")
            ?? "Server=127.0.0.1;Port=3307;Database=wechat_loyalty;User ID=loyalty;Password=loyalty-dev-password";
        var builder = new DbContextOptionsBuilder<LoyaltyDbContext>();
        LoyaltyDataRegistration.Configure(builder, connectionString);
        return new LoyaltyDbContext(builder.Options);
    }
}
