//! The app's words and formats: picks the locale at start (the page's `?lang=`, the
//! configuration, the embedding page's language, the browser's languages), marks the
//! document's language and direction, and formats dates, times and sizes with the browser's
//! `Intl` for that locale in the user's time zone. Which locales exist, plural rules and bidi
//! isolation are core's (`threadline_core::i18n`); the words are in `locales/app.yml`.

use threadline_core::i18n::{self as core_i18n, Locale};
use wasm_bindgen::JsValue;

/// The locale of one embedded conversation (its element's `lang`), by context: what is drawn
/// inside it speaks this, not the page's locale.
#[derive(Debug, Clone, Copy)]
pub struct Scoped(pub Locale);

/// The locale of the conversation being drawn: its own when embedded, else the page's.
pub fn here() -> Locale {
    leptos::prelude::use_context::<Scoped>().map_or_else(core_i18n::current, |s| s.0)
}

/// The message `key` in the plural form for `n`, with `%{count}` filled in.
pub fn plural(key: &str, n: usize) -> String {
    let n = n as u64;
    let key = core_i18n::plural_key(key, n);
    crate::t!(key.as_str(), count = n).into_owned()
}

/// Chooses and applies the page's locale (see [`choose`]).
pub fn start(configured: Option<&str>, element_lang: Option<&str>) -> Locale {
    let locale = choose(configured, element_lang);
    core_i18n::set_locale(locale);
    locale
}

/// The locale to speak. Asked first: the page's address (`?lang=de`), then the language of
/// the element an embedding page put the conversation in (`element_lang`), the deployment's
/// (`configured`, from `config.json`), and last the browser's languages.
pub fn choose(configured: Option<&str>, element_lang: Option<&str>) -> Locale {
    let mut wanted: Vec<String> = Vec::new();
    wanted.extend(query_lang());
    wanted.extend(element_lang.map(str::to_owned));
    wanted.extend(configured.map(str::to_owned));
    if let Some(window) = web_sys::window() {
        let languages = window.navigator().languages();
        wanted.extend(languages.iter().filter_map(|l| l.as_string()));
    }
    core_i18n::negotiate(wanted.iter().map(String::as_str))
}

/// `?lang=de` in the page's address.
fn query_lang() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("lang").filter(|l| !l.is_empty())
}

/// The `dir` attribute for the current locale.
pub fn dir() -> &'static str {
    if here().rtl {
        "rtl"
    } else {
        "ltr"
    }
}

/// The current locale's code, for `lang` attributes and `Intl`.
pub fn lang() -> &'static str {
    here().code
}

/// Marks the whole document as written in the current locale (the app on its own page).
pub fn mark_document() {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang());
        let _ = root.set_attribute("dir", dir());
    }
}

fn locales() -> js_sys::Array {
    js_sys::Array::of1(&JsValue::from_str(lang()))
}

fn options(pairs: &[(&str, JsValue)]) -> js_sys::Object {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}

/// `Intl` formatters for one locale, each made on first use. Making one costs far more than
/// using it (a page's first date format loads locale data: 17-30 ms here), and a thread
/// formats a time or two per message.
struct Formatters {
    locale: &'static str,
    exact: std::cell::OnceCell<js_sys::Function>,
    relative: std::cell::OnceCell<js_sys::Intl::RelativeTimeFormat>,
    /// Bytes, kilobytes, megabytes.
    sizes: [std::cell::OnceCell<js_sys::Function>; 3],
}

impl Formatters {
    fn new() -> Self {
        Self {
            locale: lang(),
            exact: std::cell::OnceCell::new(),
            relative: std::cell::OnceCell::new(),
            sizes: Default::default(),
        }
    }

    fn exact(&self) -> &js_sys::Function {
        self.exact.get_or_init(|| {
            js_sys::Intl::DateTimeFormat::new(
                &locales(),
                &options(&[
                    ("dateStyle", "medium".into()),
                    ("timeStyle", "short".into()),
                ]),
            )
            .format()
        })
    }

    fn relative(&self) -> &js_sys::Intl::RelativeTimeFormat {
        self.relative.get_or_init(|| {
            js_sys::Intl::RelativeTimeFormat::new(
                &locales(),
                &options(&[("numeric", "auto".into())]),
            )
        })
    }

    /// `unit`: 0 bytes, 1 kilobytes, 2 megabytes.
    fn size(&self, unit: usize) -> Option<&js_sys::Function> {
        const UNITS: [&str; 3] = ["byte", "kilobyte", "megabyte"];
        let cell = self.sizes.get(unit)?;
        Some(cell.get_or_init(|| {
            js_sys::Intl::NumberFormat::new(
                &locales(),
                &options(&[
                    ("style", "unit".into()),
                    ("unit", UNITS[unit].into()),
                    // Bytes spelt out ("757 bytes", not "757 byte"), plural-correct in every
                    // locale; kB and MB as symbols.
                    (
                        "unitDisplay",
                        if unit == 0 { "long" } else { "short" }.into(),
                    ),
                    ("maximumFractionDigits", 1.into()),
                ]),
            )
            .format()
        }))
    }
}

thread_local! {
    /// One set per locale in use (a page may hold conversations in several).
    static FORMATTERS: std::cell::RefCell<Vec<Formatters>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` with the current locale's formatters (made on its first use).
fn with_formatters<T>(f: impl FnOnce(&Formatters) -> T) -> T {
    FORMATTERS.with(|cell| {
        let mut all = cell.borrow_mut();
        let locale = lang();
        if !all.iter().any(|c| c.locale == locale) {
            all.push(Formatters::new());
        }
        match all.iter().find(|c| c.locale == locale) {
            Some(found) => f(found),
            None => f(&Formatters::new()),
        }
    })
}

/// Calls a bound `Intl` format function with one argument.
fn call_format(format: &js_sys::Function, value: &JsValue) -> Option<String> {
    format.call1(&JsValue::NULL, value).ok()?.as_string()
}

/// A byte count as the locale writes it ("1.2 MB", "1,2 MB", "١٫٢ م.ب").
pub fn format_size(bytes: u64) -> String {
    let (value, unit) = match bytes {
        b if b < 1_000 => (b as f64, 0),
        b if b < 1_000_000 => (b as f64 / 1e3, 1),
        b => (b as f64 / 1e6, 2),
    };
    with_formatters(|f| call_format(f.size(unit)?, &JsValue::from_f64(value)))
        .unwrap_or_else(|| threadline_core::model::format_size(bytes))
}

/// A moment as date and time in the locale, in the browser's time zone.
pub fn exact_time(millis: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(millis as f64));
    with_formatters(|f| call_format(f.exact(), &date))
        .unwrap_or_else(|| String::from(date.to_iso_string()))
}

/// How long ago (or ahead) `then` is from `now`, in the locale ("5 minutes ago", "vor
/// 5 Minuten", "قبل ٥ دقائق"); "now" within a minute.
pub fn relative_time(then_ms: i64, now_ms: i64) -> String {
    let seconds = (then_ms - now_ms) as f64 / 1000.0;
    let (value, unit) = relative_unit(seconds);
    with_formatters(|f| String::from(f.relative().format(value, unit)))
}

/// The largest whole unit for `seconds` (negative: past).
fn relative_unit(seconds: f64) -> (f64, &'static str) {
    const UNITS: [(f64, &str); 6] = [
        (31_536_000.0, "year"),
        (2_592_000.0, "month"),
        (604_800.0, "week"),
        (86_400.0, "day"),
        (3_600.0, "hour"),
        (60.0, "minute"),
    ];
    for (size, unit) in UNITS {
        if seconds.abs() >= size {
            return ((seconds / size).trunc(), unit);
        }
    }
    (0.0, "second")
}
