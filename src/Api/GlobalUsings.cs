// The options and Redis plumbing shared with the job worker live in src/Jobs/Hosting.
global using WechatLoyalty.Jobs.Hosting;
