// The segment form: rows of criterion + operator + value, combined with AND/OR, with one level of groups. It
// writes the definition JSON the API takes into the definition field (which stays visible and editable as the
// advanced way) and reads it back, so a saved segment reopens in the form. The server checks the JSON on preview
// and save (SegmentParser); the form only builds it.
(function () {
    "use strict";
    var root = document.getElementById("segment-builder");
    var field = document.getElementById("s-definition");
    if (!root || !field) return;
    var data = JSON.parse(root.dataset.builder);
    var t = function (key) { return (data.texts && data.texts[key]) || key; };
    var monthName = new Intl.DateTimeFormat(data.lang === "en" ? "en" : "zh-CN", { month: "short" });
    var months = [];
    for (var m = 1; m <= 12; m++) months.push({ value: m, label: monthName.format(new Date(2000, m - 1, 1)) });
    var stages = ["new", "active", "dormant", "lost"].map(function (s) { return { value: s, label: t(s) }; });

    // Per criterion: its operators, and how a row's values map to and from the JSON.
    var range = function (minName, maxName, scale, withDays) {
        return {
            ops: ["atLeast", "atMost", "between"], fields: withDays ? ["a", "b", "days"] : ["a", "b"], scale: scale || 1,
            toJson: function (r, j) {
                var k = this.scale;
                if (r.op !== "atMost") j[minName] = scaled(r.a, k);
                if (r.op !== "atLeast") j[maxName] = scaled(r.op === "atMost" ? r.a : r.b, k);
                if (withDays) j.days = number(r.days);
            },
            fromJson: function (j, r) {
                var k = this.scale, min = j[minName], max = j[maxName];
                r.op = min != null && max != null ? "between" : min != null ? "atLeast" : "atMost";
                r.a = unscaled(min != null ? min : max, k);
                r.b = r.op === "between" ? unscaled(max, k) : "";
                if (withDays) r.days = j.days != null ? String(j.days) : "365";
            },
        };
    };
    var list = function (options) {
        return {
            ops: ["in"], fields: ["list"], options: options,
            toJson: function (r, j) { j["in"] = r.list.slice(); },
            fromJson: function (j, r) { r.op = "in"; r.list = (j["in"] || []).slice(); },
        };
    };
    var kinds = {
        tier: Object.assign(list(data.tiers || []), { label: "Tier" }),
        store: Object.assign(list(data.stores || []), { label: "Join store" }),
        lifecycle: Object.assign(list(stages), { label: "Lifecycle stage" }),
        birthdayMonth: Object.assign(list(months), { label: "Birthday month" }),
        joined: {
            label: "Joined", ops: ["between", "onOrAfter", "onOrBefore"], fields: ["dateA", "dateB"],
            toJson: function (r, j) {
                if (r.op !== "onOrBefore") j.from = r.a || null;
                if (r.op !== "onOrAfter") j.to = (r.op === "onOrBefore" ? r.a : r.b) || null;
            },
            fromJson: function (j, r) {
                r.op = j.from && j.to ? "between" : j.from ? "onOrAfter" : "onOrBefore";
                r.a = j.from || j.to || "";
                r.b = j.from && j.to ? j.to : "";
            },
        },
        lastPurchase: {
            label: "Last purchase", ops: ["withinLast", "notWithinLast", "between"], fields: ["a", "b"], unit: "days",
            toJson: function (r, j) {
                if (r.op === "withinLast") j.withinDays = number(r.a);
                else if (r.op === "notWithinLast") j.notWithinDays = number(r.a);
                else { j.notWithinDays = number(r.a); j.withinDays = number(r.b); }
            },
            fromJson: function (j, r) {
                var within = j.withinDays, not = j.notWithinDays;
                r.op = within != null && not != null ? "between" : within != null ? "withinLast" : "notWithinLast";
                r.a = String(r.op === "withinLast" ? within : not);
                r.b = r.op === "between" ? String(within) : "";
            },
        },
        netSpend: Object.assign(range("minFen", "maxFen", 100, true), { label: "Net spend", unit: "CNY" }),
        orderCount: Object.assign(range("min", "max", 1, true), { label: "Orders" }),
        pointsBalance: Object.assign(range("min", "max"), { label: "Points balance", unit: "points" }),
        referrals: Object.assign(range("min", "max"), { label: "Referred friends" }),
        pointsExpiring: {
            label: "Points expiring", ops: ["expiring"], fields: ["a", "dateB"], unit: "points",
            toJson: function (r, j) { j.min = number(r.a); j.before = r.b || null; },
            fromJson: function (j, r) { r.op = "expiring"; r.a = String(j.min != null ? j.min : 1); r.b = j.before || ""; },
        },
        followsOa: {
            label: "Follows the official account", ops: ["is"], fields: ["bool"],
            toJson: function (r, j) { j.value = r.a !== "false"; },
            fromJson: function (j, r) { r.op = "is"; r.a = String(j.value !== false); },
        },
    };
    var opLabels = {
        "in": "is one of", between: "between", onOrAfter: "on or after", onOrBefore: "on or before", withinLast: "within the last",
        notWithinLast: "not within the last", atLeast: "at least", atMost: "at most", is: "is", expiring: "at least … points expiring before",
    };

    function number(v) { return v === "" || v == null || isNaN(Number(v)) ? null : Number(v); }
    function scaled(v, k) { var n = number(v); return n == null ? null : Math.round(n * k); }
    function unscaled(v, k) { return v == null ? "" : String(v / k); }
    function prune(j) { Object.keys(j).forEach(function (k) { if (j[k] === null) delete j[k]; }); return j; }

    function newRow(type) {
        var r = { type: type || "tier", op: "", a: "", b: "", days: "365", list: [] };
        r.op = kinds[r.type].ops[0];
        if (r.type === "followsOa") r.a = "true";
        return r;
    }

    function rowToJson(r) {
        var j = { type: r.type };
        kinds[r.type].toJson(r, j);
        return prune(j);
    }

    function rowFromJson(j) {
        if (!j || typeof j !== "object" || !kinds[j.type]) return null;
        var r = newRow(j.type);
        kinds[j.type].fromJson(j, r);
        return r;
    }

    function isGroup(j) { return j && (j.type === "and" || j.type === "or"); }

    // The form's state: { op: "and" | "or", rules: [row | { group: true, op, rules: [row] }] }, or null when the JSON
    // is more than the form shows (groups inside groups) or not valid.
    function fromJson(j) {
        if (!isGroup(j)) { var single = rowFromJson(j); return single && { op: "and", rules: [single] }; }
        var rules = [];
        for (var i = 0; i < (j.rules || []).length; i++) {
            var c = j.rules[i];
            if (isGroup(c)) {
                var inner = (c.rules || []).map(function (x) { return isGroup(x) ? null : rowFromJson(x); });
                if (inner.some(function (x) { return x === null; })) return null;
                rules.push({ group: true, op: c.type, rules: inner });
            } else {
                var row = rowFromJson(c);
                if (!row) return null;
                rules.push(row);
            }
        }
        return { op: j.type, rules: rules };
    }

    function toJson(s) {
        return {
            type: s.op,
            rules: s.rules.map(function (x) { return x.group ? { type: x.op, rules: x.rules.map(rowToJson) } : rowToJson(x); }),
        };
    }

    var state = null;

    function write() {
        field.value = JSON.stringify(toJson(state), null, 2);
        note("");
    }

    function el(tag, attrs, children) {
        var e = document.createElement(tag);
        Object.keys(attrs || {}).forEach(function (k) {
            if (k === "text") e.textContent = attrs[k];
            else if (k.indexOf("on") === 0) e.addEventListener(k.slice(2), attrs[k]);
            else e.setAttribute(k, attrs[k]);
        });
        (children || []).forEach(function (c) { if (c) e.appendChild(c); });
        return e;
    }

    function select(cls, options, value, onchange) {
        var s = el("select", { "class": cls, onchange: function () { onchange(s.value); } });
        options.forEach(function (o) { var opt = el("option", { value: o.value, text: o.label }); if (String(o.value) === String(value)) opt.selected = true; s.appendChild(opt); });
        return s;
    }

    function input(type, fieldName, value, onchange, extra) {
        var i = el("input", Object.assign({ type: type, "data-field": fieldName, value: value }, extra || {}));
        i.addEventListener("input", function () { onchange(i.value); });
        i.addEventListener("change", function () { onchange(i.value); });
        return i;
    }

    function matchSelect(cls, value, onchange, id) {
        var s = select(cls, [{ value: "and", label: t("all of these rules (AND)") }, { value: "or", label: t("any of these rules (OR)") }], value, onchange);
        if (id) s.id = id;
        return s;
    }

    function renderRow(r, owner) {
        var kind = kinds[r.type];
        var values = el("span", { "class": "sb-values" });
        var set = function (name) { return function (v) { r[name] = v; write(); }; };
        var unit = kind.unit ? el("span", { "class": "muted", text: t(kind.unit) }) : null;
        if (kind.fields[0] === "list") {
            kind.options.forEach(function (o) {
                var box = el("input", { type: "checkbox", "data-option": String(o.value) });
                box.checked = r.list.some(function (v) { return String(v) === String(o.value); });
                box.addEventListener("change", function () {
                    var typed = typeof o.value === "number" ? o.value : String(o.value);
                    r.list = r.list.filter(function (v) { return String(v) !== String(o.value); });
                    if (box.checked) r.list.push(typed);
                    write();
                });
                values.appendChild(el("label", { "class": "sb-option" }, [box, document.createTextNode(" " + o.label)]));
            });
        } else if (kind.fields[0] === "bool") {
            values.appendChild(select("sb-bool", [{ value: "true", label: t("Yes") }, { value: "false", label: t("No") }], r.a, set("a")));
        } else if (r.type === "joined") {
            values.appendChild(input("date", "a", r.a, set("a")));
            if (r.op === "between") { values.appendChild(el("span", { text: t("and") })); values.appendChild(input("date", "b", r.b, set("b"))); }
        } else if (r.type === "pointsExpiring") {
            values.appendChild(input("number", "a", r.a, set("a"), { min: "1" }));
            values.appendChild(el("span", { "class": "muted", text: t("points") + ", " + t("before") }));
            values.appendChild(input("date", "b", r.b, set("b")));
        } else {
            var step = kind.scale === 100 ? "0.01" : "1";
            values.appendChild(input("number", "a", r.a, set("a"), { step: step, min: "0" }));
            if (r.op === "between") { values.appendChild(el("span", { text: t("and") })); values.appendChild(input("number", "b", r.b, set("b"), { step: step, min: "0" })); }
            if (r.type === "lastPurchase") values.appendChild(el("span", { "class": "muted", text: t(r.op === "between" ? "days ago" : "days") }));
            else if (unit) values.appendChild(unit);
            if (kind.fields.indexOf("days") >= 0) {
                values.appendChild(el("span", { "class": "muted", text: t("in the last") }));
                values.appendChild(input("number", "days", r.days, set("days"), { min: "1", max: "3650" }));
                values.appendChild(el("span", { "class": "muted", text: t("days") }));
            }
        }
        var types = Object.keys(kinds).map(function (k) { return { value: k, label: t(kinds[k].label) }; });
        var ops = kind.ops.map(function (o) { return { value: o, label: t(opLabels[o]) }; });
        return el("div", { "class": "sb-row" }, [
            select("sb-type", types, r.type, function (v) { owner.rules[owner.rules.indexOf(r)] = newRow(v); write(); render(); }),
            select("sb-op", ops, r.op, function (v) { r.op = v; write(); render(); }),
            values,
            el("button", { type: "button", "class": "sb-remove secondary", text: t("Remove"), onclick: function () { owner.rules.splice(owner.rules.indexOf(r), 1); write(); render(); } }),
        ]);
    }

    function renderRules(owner, container) {
        owner.rules.forEach(function (x) {
            if (!x.group) { container.appendChild(renderRow(x, owner)); return; }
            var inner = el("div", { "class": "sb-rules" });
            renderRules(x, inner);
            container.appendChild(el("fieldset", { "class": "sb-group" }, [
                el("legend", {}, [document.createTextNode(t("Group matching") + " "), matchSelect("sb-group-match", x.op, function (v) { x.op = v; write(); })]),
                inner,
                el("div", { "class": "sb-actions" }, [
                    el("button", { type: "button", "class": "sb-add-rule secondary", text: "+ " + t("Add a rule"), onclick: function () { x.rules.push(newRow()); write(); render(); } }),
                    el("button", { type: "button", "class": "sb-remove secondary", text: t("Remove"), onclick: function () { owner.rules.splice(owner.rules.indexOf(x), 1); write(); render(); } }),
                ]),
            ]));
        });
    }

    var status = el("p", { "class": "muted", id: "sb-note" });

    function note(text) { status.textContent = text; status.hidden = !text; }

    function render() {
        root.textContent = "";
        root.appendChild(el("h2", { text: t("Audience rules") }));
        if (!state) {
            root.appendChild(status);
            root.appendChild(el("button", { type: "button", id: "sb-restart", "class": "secondary", text: t("Build the rules again"),
                onclick: function () { state = { op: "and", rules: [newRow()] }; write(); render(); } }));
            return;
        }
        root.appendChild(el("p", {}, [document.createTextNode(t("Members matching") + " "), matchSelect("sb-match", state.op, function (v) { state.op = v; write(); }, "sb-match")]));
        var rules = el("div", { "class": "sb-rules", id: "sb-rules" });
        renderRules(state, rules);
        root.appendChild(rules);
        root.appendChild(el("div", { "class": "sb-actions" }, [
            el("button", { type: "button", id: "sb-add-rule", "class": "secondary", text: "+ " + t("Add a rule"), onclick: function () { state.rules.push(newRow()); write(); render(); } }),
            el("button", { type: "button", id: "sb-add-group", "class": "secondary", text: "+ " + t("Add a group"), onclick: function () { state.rules.push({ group: true, op: "or", rules: [newRow()] }); write(); render(); } }),
        ]));
        root.appendChild(status);
    }

    // The JSON field, edited by hand, takes over: the form follows it when it can show it.
    function readField() {
        var parsed;
        try { parsed = JSON.parse(field.value); } catch (e) { state = null; note(t("The JSON below is not valid; fix it, or build the rules again with the form.")); render(); return; }
        state = fromJson(parsed);
        render();
        note(state ? "" : t("This definition has groups inside groups, more than the form shows; edit it as JSON below."));
    }

    field.addEventListener("input", readField);
    var label = field.closest("label");
    if (label) label.parentNode.insertBefore(el("h3", { "class": "sb-advanced", text: t("Advanced: the definition as JSON") }), label);
    root.hidden = false;
    readField();
})();
