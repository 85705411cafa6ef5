namespace WechatLoyalty.Jobs;
internal static class PJobs {}
