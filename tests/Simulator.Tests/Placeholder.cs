namespace WechatLoyalty.Simulator.Tests; public class Placeholder { [Fact] public void X() { } }
