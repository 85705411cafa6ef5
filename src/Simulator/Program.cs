using WechatLoyalty.Simulator.Hosting;

// The WeChat simulator: api.weixin.qq.com + api.mch.weixin.qq.com stand-in. See SimulatorHost for the wiring.
var builder = WebApplication.CreateBuilder(args);
builder.AddSimulator();

var app = builder.Build();
app.MapSimulator();
app.Run();
