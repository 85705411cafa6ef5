using WechatLoyalty.Domain.Payments;

namespace WechatLoyalty.Domain.Tests.Payments;

public class RefundTests
{
    [Theory]
    [InlineData(RefundStatus.Requested, true)]
    [InlineData(RefundStatus.Processing, true)]
    [InlineData(RefundStatus.Succeeded, true)]
    [InlineData(RefundStatus.Abnormal, true)]
    [InlineData(RefundStatus.Failed, false)]
    public void Counts_HoldsBackRefundableAmount_UnlessFailed(RefundStatus status, bool counts) =>
        Assert.Equal(counts, Refund.Counts(status));
}
