#!/usr/bin/env bash
# A member's journey against the running demo (./run.sh in another terminal), with the WeChat simulator playing
# WeChat and this script playing the mini-program: scan a store QR, log in, join, bind the phone, follow the
# official account, pay 268.50 CNY, watch the points arrive, then see the clerk's and the admin's side.
# Usage: scripts/demo-journey.sh [store code, default SH001]
set -euo pipefail
API="${WL_API:-http://127.0.0.1:${WL_API_PORT:-5080}}"
SIM="${WL_SIM:-http://127.0.0.1:${WL_SIM_PORT:-5180}}"
STORE="${1:-SH001}"
J='content-type: application/json'
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }
step() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }
show() { python3 -m json.tool --no-ensure-ascii; }

step "A customer opens WeChat (simulator: a new WeChat user)"
user=$(curl -fsS -XPOST "$SIM/sim/users" -H "$J" -d '{}')
uid=$(echo "$user" | field '["unionid"]')
echo "unionid $uid"

step "Scans store $STORE's QR: wx.login, then POST /api/mp/login"
code=$(curl -fsS -XPOST "$SIM/sim/users/$uid/login" -H "$J" -d '{}' | field '["code"]')
login=$(curl -fsS -XPOST "$API/api/mp/login" -H "$J" -d "{\"code\":\"$code\"}")
token=$(echo "$login" | field '["accessToken"]')
echo "registered: $(echo "$login" | field '["registered"]')"
AUTH="authorization: Bearer $token"

step "Accepts the terms and joins: POST /api/members (scene s=$STORE)"
curl -fsS -XPOST "$API/api/members" -H "$AUTH" -H "$J" \
  -d "{\"termsVersion\":\"2026-01\",\"privacyVersion\":\"2026-01\",\"scene\":\"s=$STORE\",\"nickname\":\"小红\",\"birthday\":{\"month\":5,\"day\":20},\"gender\":\"Female\"}" | show

step "Binds the phone number (getPhoneNumber button): only the mask comes back"
pcode=$(curl -fsS -XPOST "$SIM/sim/users/$uid/phone-code" -H "$J" -d '{}' | field '["code"]')
curl -fsS -XPOST "$API/api/members/me/phone" -H "$AUTH" -H "$J" -d "{\"code\":\"$pcode\"}" | show

step "Follows the official account (the simulator pushes an encrypted subscribe event to /wechat/oa)"
curl -fsS -XPOST "$SIM/sim/users/$uid/follow" -H "$J" -d '{}' | field '["status"]'

step "Orders for 268.50 CNY: POST /api/orders → prepay → wx.requestPayment parameters"
order=$(curl -fsS -XPOST "$API/api/orders" -H "$AUTH" -H "$J" -d "{\"amountFen\":26850,\"storeCode\":\"$STORE\",\"description\":\"Silver earrings\"}")
echo "$order" | show
trade=$(echo "$order" | field '["order"]["outTradeNo"]')

step "Pays in WeChat (simulator): WeChat Pay sends the signed, encrypted notification to /wechat/pay/notify"
curl -fsS -XPOST "$SIM/sim/pay/$trade/pay" -H "$J" -d '{}' | field '["trade_state"]'
for _ in $(seq 1 20); do
  status=$(curl -fsS "$API/api/orders/$trade" -H "$AUTH" | field '["status"]')
  [ "$status" = "Paid" ] && break
  sleep 0.5
done
curl -fsS "$API/api/orders/$trade" -H "$AUTH" | show

step "The member card: points arrived, progress to the next tier"
curl -fsS "$API/api/members/me" -H "$AUTH" | show
step "The points ledger"
curl -fsS "$API/api/members/me/points" -H "$AUTH" | show

step "The dynamic member code a store's POS would scan (valid about a minute)"
curl -fsS "$API/api/members/me/code" -H "$AUTH" | show

step "The store manager's side: join statistics for today"
jar=$(mktemp)
curl -fsS -c "$jar" -XPOST "$API/api/admin/session" -H "$J" -d "{\"userName\":\"admin\",\"password\":\"${Demo__AdminPassword:-demo-admin-2026}\"}" >/dev/null
today=$(TZ=Asia/Shanghai date +%F)
curl -fsS -b "$jar" "$API/api/admin/stats/joins?from=$today&to=$today" | show

step "Messages: the member follows the OA, so marketing's test message goes out as an OA template message"
member_no=$(curl -fsS "$API/api/members/me" -H "$AUTH" | field '["memberNo"]')
outcome=$(curl -fsS -b "$jar" -XPOST "$API/api/admin/message-templates/PointsEarned/test-send" -H "$J" -d "{\"memberNo\":\"$member_no\"}")
echo "$outcome" | show
step "The member's WeChat shows it (simulator JSON for this user)"
curl -fsS "$SIM/sim/users/$uid/messages" | show
rm -f "$jar"
echo
echo "What WeChat saw (messages, notifications and their delivery attempts): $SIM/"
