// The top menu never wraps. It is one line under the brand and the session; when that line would not fit (a tablet,
// English labels, an admin's long menu) the header turns compact: the menu folds behind the menu button and opens
// as a panel over the page. Measured, not guessed from a breakpoint, because the width the menu needs depends on
// the role and the language.
(function () {
    var header = document.querySelector("header.top");
    var menu = header && header.querySelector(".menu");
    var toggle = header && header.querySelector(".menu-toggle");
    if (!menu || !toggle) return;

    function setOpen(open) {
        header.classList.toggle("open", open);
        toggle.setAttribute("aria-expanded", String(open));
    }

    function fit() {
        var wasOpen = header.classList.contains("open");
        header.classList.remove("compact", "open");
        var compact = menu.scrollWidth > menu.clientWidth + 1;
        header.classList.toggle("compact", compact);
        setOpen(compact && wasOpen);
    }

    toggle.addEventListener("click", function () { setOpen(!header.classList.contains("open")); });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });
    document.addEventListener("click", function (e) { if (!header.contains(e.target)) setOpen(false); });
    var pending;
    window.addEventListener("resize", function () { clearTimeout(pending); pending = setTimeout(fit, 80); });
    fit();
    // Web fonts or late layout can change the widths once more.
    window.addEventListener("load", fit);
})();
