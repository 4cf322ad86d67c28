//! Author colours in email HTML, made legible. Email bodies are always shown on light paper
//! (WCAG relative luminance at least [`PAPER_LUMINANCE`]), so an author's text colour is kept
//! only when it reaches WCAG AA contrast (4.5:1) on that paper, and is otherwise darkened toward
//! black just enough; a background colour is kept only when it is at least as light as the
//! paper. This module parses the colour syntaxes email uses (hex, `rgb()`/`rgba()`, common
//! names), does the contrast maths, and knows which values HTML's legacy colour attributes
//! (`bgcolor`, `<font color>`) read the way CSS does. The sanitizer ([`crate::html`]) decides
//! where it applies.

/// The darkest paper an email body is shown on, as a WCAG relative luminance.
const PAPER_LUMINANCE: f64 = 0.8;
/// WCAG AA for normal-size text.
const MIN_CONTRAST: f64 = 4.5;

/// Keywords a CSS `color` may keep: each gives the app's own text colour or the page default.
const TEXT_KEYWORDS: [&str; 4] = ["inherit", "currentcolor", "initial", "unset"];

/// What an author colour paints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Text (`color`, `<font color>`).
    Text,
    /// A background (`background-color`, `bgcolor`).
    Background,
}

/// Where a colour value was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// A CSS declaration's value.
    Css,
    /// A legacy HTML attribute, which browsers read by their own rules: `rgb(…)` or `inherit`
    /// there becomes an unrelated colour, so only names and `#rgb`/`#rrggbb` are kept as written.
    Attribute,
}

/// What to do with one author colour value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Keep it as written. `is_colour` is false for values that paint no colour of their own
    /// (`inherit`, `transparent`).
    Keep { is_colour: bool },
    /// Write this instead (a `#rrggbb` that passes).
    Replace(String),
    /// Remove the declaration or attribute, so the app's colours apply.
    Drop,
}

/// The verdict on `value` as a colour for `role`, written in `syntax`.
pub(crate) fn verdict(value: &str, role: Role, syntax: Syntax) -> Verdict {
    let value = trim_css_whitespace(value);
    match role {
        Role::Text => text_verdict(value, syntax),
        Role::Background => background_verdict(value, syntax),
    }
}

fn text_verdict(value: &str, syntax: Syntax) -> Verdict {
    match parse(value) {
        Some(Parsed::Keyword) if syntax == Syntax::Css => Verdict::Keep { is_colour: false },
        Some(Parsed::Colour(colour, form)) => {
            let legible = darkened(colour.rgb);
            // A translucent colour blends with whatever is behind it, so it is written opaque.
            if colour.is_opaque() && legible == colour.rgb && is_kept_as_written(form, syntax) {
                Verdict::Keep { is_colour: true }
            } else {
                Verdict::Replace(hex(legible))
            }
        }
        Some(Parsed::Keyword) | None => Verdict::Drop,
    }
}

fn background_verdict(value: &str, syntax: Syntax) -> Verdict {
    if value.eq_ignore_ascii_case("transparent") {
        return Verdict::Keep { is_colour: false };
    }
    match parse(value) {
        Some(Parsed::Colour(colour, form)) if is_as_light_as_paper(colour.rgb) => {
            if is_kept_as_written(form, syntax) {
                Verdict::Keep { is_colour: true }
            } else {
                Verdict::Replace(hex(colour.rgb))
            }
        }
        _ => Verdict::Drop,
    }
}

/// Whether a value that passes may stay as written: it must mean the same to a browser (whose
/// legacy attribute parser knows only names and hex) and after ammonia writes it back.
fn is_kept_as_written(form: Form, syntax: Syntax) -> bool {
    match syntax {
        Syntax::Css => form != Form::Inexact,
        Syntax::Attribute => matches!(form, Form::Named | Form::Hex),
    }
}

/// An sRGB colour, one byte a channel.
type Rgb = [u8; 3];

/// A parsed colour and its opacity (0 to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Colour {
    rgb: Rgb,
    alpha: f64,
}

impl Colour {
    fn opaque(rgb: Rgb) -> Colour {
        Colour { rgb, alpha: 1.0 }
    }

    fn is_opaque(self) -> bool {
        self.alpha >= 1.0
    }
}

/// How a colour was written: decides whether it may be kept as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// A name (`navy`).
    Named,
    /// `#rgb` or `#rrggbb`.
    Hex,
    /// `#rgba`, `#rrggbbaa`, and `rgb()`/`rgba()` with whole-number channels.
    Other,
    /// `rgb()`/`rgba()` with a fraction or exponent in a channel: ammonia writes such numbers
    /// back to six digits (`195.4999` as `195.5`), which can round to another byte.
    Inexact,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Parsed {
    /// One of [`TEXT_KEYWORDS`].
    Keyword,
    Colour(Colour, Form),
}

/// Parses a CSS colour value (already trimmed), case-insensitively.
fn parse(value: &str) -> Option<Parsed> {
    let lower = value.to_ascii_lowercase();
    if TEXT_KEYWORDS.contains(&lower.as_str()) {
        return Some(Parsed::Keyword);
    }
    if let Some(digits) = lower.strip_prefix('#') {
        return parse_hex(digits);
    }
    if let Some(args) = lower
        .strip_prefix("rgba(")
        .or_else(|| lower.strip_prefix("rgb("))
    {
        return parse_rgb(args.strip_suffix(')')?);
    }
    named(&lower).map(|colour| Parsed::Colour(colour, Form::Named))
}

/// `rgb`, `rgba`, `rrggbb` or `rrggbbaa` hex digits.
fn parse_hex(digits: &str) -> Option<Parsed> {
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize, width: usize| {
        let text = digits.get(i * width..(i + 1) * width)?;
        let value = u8::from_str_radix(text, 16).ok()?;
        // One digit stands for two equal ones (`#abc` is `#aabbcc`).
        Some(if width == 1 { value * 17 } else { value })
    };
    let width = match digits.len() {
        3 | 4 => 1,
        6 | 8 => 2,
        _ => return None,
    };
    let rgb = [byte(0, width)?, byte(1, width)?, byte(2, width)?];
    let has_alpha = matches!(digits.len(), 4 | 8);
    let alpha = if has_alpha {
        f64::from(byte(3, width)?) / 255.0
    } else {
        1.0
    };
    let form = if has_alpha { Form::Other } else { Form::Hex };
    Some(Parsed::Colour(Colour { rgb, alpha }, form))
}

/// The arguments of `rgb(…)`/`rgba(…)`: `r, g, b[, a]` (all numbers or all percentages) or
/// `r g b[ / a]`.
fn parse_rgb(args: &str) -> Option<Parsed> {
    if args.contains(['(', ')']) {
        return None;
    }
    let (channels, alpha) = if args.contains(',') {
        comma_arguments(args)?
    } else {
        space_arguments(args)?
    };
    let [r, g, b] = channels;
    let rgb = [channel(r)?, channel(g)?, channel(b)?];
    let alpha = alpha.map_or(Some(1.0), opacity)?;
    let is_whole = |c: &str| {
        let c = c.strip_suffix('%').unwrap_or(c);
        let c = c.strip_prefix(['+', '-']).unwrap_or(c);
        c.bytes().all(|b| b.is_ascii_digit())
    };
    let form = if [r, g, b].into_iter().all(is_whole) {
        Form::Other
    } else {
        Form::Inexact
    };
    Some(Parsed::Colour(Colour { rgb, alpha }, form))
}

fn comma_arguments(args: &str) -> Option<([&str; 3], Option<&str>)> {
    let parts: Vec<&str> = args.split(',').map(trim_css_whitespace).collect();
    let (channels, alpha) = match parts.as_slice() {
        [r, g, b] => ([*r, *g, *b], None),
        [r, g, b, a] => ([*r, *g, *b], Some(*a)),
        _ => return None,
    };
    // The comma syntax does not mix numbers and percentages; browsers reject it.
    let percentages = channels.iter().filter(|c| c.ends_with('%')).count();
    matches!(percentages, 0 | 3).then_some((channels, alpha))
}

fn space_arguments(args: &str) -> Option<([&str; 3], Option<&str>)> {
    let (channels, alpha) = match args.split_once('/') {
        Some((channels, alpha)) => (channels, Some(trim_css_whitespace(alpha))),
        None => (args, None),
    };
    match channels
        .split_ascii_whitespace()
        .collect::<Vec<_>>()
        .as_slice()
    {
        [r, g, b] => Some(([*r, *g, *b], alpha)),
        _ => None,
    }
}

/// A channel: a number (0 to 255) or a percentage, clamped and rounded as browsers do.
fn channel(text: &str) -> Option<u8> {
    let value = match text.strip_suffix('%') {
        Some(percent) => number(percent)? * 2.55,
        None => number(text)?,
    };
    // In range after the clamp, so the cast cannot truncate.
    Some(value.clamp(0.0, 255.0).round() as u8)
}

/// An opacity: a number (0 to 1) or a percentage, clamped.
fn opacity(text: &str) -> Option<f64> {
    let value = match text.strip_suffix('%') {
        Some(percent) => number(percent)? / 100.0,
        None => number(text)?,
    };
    Some(value.clamp(0.0, 1.0))
}

/// A CSS number (`12`, `-.5`, `1e2`). Checked by hand first because Rust's float parser also
/// takes `inf`, `nan` and `1.`, which CSS does not.
fn number(text: &str) -> Option<f64> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole.is_empty() || digits(whole)) && digits(fraction),
        None => digits(mantissa),
    };
    let exponent_ok = digits(exponent.strip_prefix(['+', '-']).unwrap_or(exponent));
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The common CSS colour names (a name not here is dropped, and the text takes the app's
/// colour). `transparent` is here for text; backgrounds handle it first.
fn named(name: &str) -> Option<Colour> {
    if name == "transparent" {
        return Some(Colour {
            rgb: [0, 0, 0],
            alpha: 0.0,
        });
    }
    NAMED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, rgb)| Colour::opaque(*rgb))
}

const NAMED: &[(&str, Rgb)] = &[
    // The 16 basic colours.
    ("black", [0x00, 0x00, 0x00]),
    ("silver", [0xc0, 0xc0, 0xc0]),
    ("gray", [0x80, 0x80, 0x80]),
    ("white", [0xff, 0xff, 0xff]),
    ("maroon", [0x80, 0x00, 0x00]),
    ("red", [0xff, 0x00, 0x00]),
    ("purple", [0x80, 0x00, 0x80]),
    ("fuchsia", [0xff, 0x00, 0xff]),
    ("green", [0x00, 0x80, 0x00]),
    ("lime", [0x00, 0xff, 0x00]),
    ("olive", [0x80, 0x80, 0x00]),
    ("yellow", [0xff, 0xff, 0x00]),
    ("navy", [0x00, 0x00, 0x80]),
    ("blue", [0x00, 0x00, 0xff]),
    ("teal", [0x00, 0x80, 0x80]),
    ("aqua", [0x00, 0xff, 0xff]),
    // Greys and their spellings.
    ("grey", [0x80, 0x80, 0x80]),
    ("darkgray", [0xa9, 0xa9, 0xa9]),
    ("darkgrey", [0xa9, 0xa9, 0xa9]),
    ("lightgray", [0xd3, 0xd3, 0xd3]),
    ("lightgrey", [0xd3, 0xd3, 0xd3]),
    ("dimgray", [0x69, 0x69, 0x69]),
    ("dimgrey", [0x69, 0x69, 0x69]),
    ("gainsboro", [0xdc, 0xdc, 0xdc]),
    ("whitesmoke", [0xf5, 0xf5, 0xf5]),
    ("slategray", [0x70, 0x80, 0x90]),
    ("slategrey", [0x70, 0x80, 0x90]),
    ("darkslategray", [0x2f, 0x4f, 0x4f]),
    ("darkslategrey", [0x2f, 0x4f, 0x4f]),
    // Common text and accent colours.
    ("magenta", [0xff, 0x00, 0xff]),
    ("cyan", [0x00, 0xff, 0xff]),
    ("orange", [0xff, 0xa5, 0x00]),
    ("darkorange", [0xff, 0x8c, 0x00]),
    ("orangered", [0xff, 0x45, 0x00]),
    ("tomato", [0xff, 0x63, 0x47]),
    ("coral", [0xff, 0x7f, 0x50]),
    ("salmon", [0xfa, 0x80, 0x72]),
    ("gold", [0xff, 0xd7, 0x00]),
    ("darkred", [0x8b, 0x00, 0x00]),
    ("firebrick", [0xb2, 0x22, 0x22]),
    ("crimson", [0xdc, 0x14, 0x3c]),
    ("brown", [0xa5, 0x2a, 0x2a]),
    ("chocolate", [0xd2, 0x69, 0x1e]),
    ("saddlebrown", [0x8b, 0x45, 0x13]),
    ("pink", [0xff, 0xc0, 0xcb]),
    ("hotpink", [0xff, 0x69, 0xb4]),
    ("violet", [0xee, 0x82, 0xee]),
    ("darkviolet", [0x94, 0x00, 0xd3]),
    ("indigo", [0x4b, 0x00, 0x82]),
    ("darkblue", [0x00, 0x00, 0x8b]),
    ("midnightblue", [0x19, 0x19, 0x70]),
    ("royalblue", [0x41, 0x69, 0xe1]),
    ("steelblue", [0x46, 0x82, 0xb4]),
    ("dodgerblue", [0x1e, 0x90, 0xff]),
    ("skyblue", [0x87, 0xce, 0xeb]),
    ("darkcyan", [0x00, 0x8b, 0x8b]),
    ("darkgreen", [0x00, 0x64, 0x00]),
    ("forestgreen", [0x22, 0x8b, 0x22]),
    ("seagreen", [0x2e, 0x8b, 0x57]),
    ("darkolivegreen", [0x55, 0x6b, 0x2f]),
    // Light tints used as backgrounds.
    ("lightyellow", [0xff, 0xff, 0xe0]),
    ("lightblue", [0xad, 0xd8, 0xe6]),
    ("lightcyan", [0xe0, 0xff, 0xff]),
    ("lightgreen", [0x90, 0xee, 0x90]),
    ("lightpink", [0xff, 0xb6, 0xc1]),
    ("ivory", [0xff, 0xff, 0xf0]),
    ("beige", [0xf5, 0xf5, 0xdc]),
    ("lavender", [0xe6, 0xe6, 0xfa]),
    ("aliceblue", [0xf0, 0xf8, 0xff]),
    ("azure", [0xf0, 0xff, 0xff]),
    ("honeydew", [0xf0, 0xff, 0xf0]),
    ("mintcream", [0xf5, 0xff, 0xfa]),
    ("snow", [0xff, 0xfa, 0xfa]),
    ("linen", [0xfa, 0xf0, 0xe6]),
    ("seashell", [0xff, 0xf5, 0xee]),
    ("floralwhite", [0xff, 0xfa, 0xf0]),
    ("ghostwhite", [0xf8, 0xf8, 0xff]),
    ("oldlace", [0xfd, 0xf5, 0xe6]),
    ("cornsilk", [0xff, 0xf8, 0xdc]),
    ("lemonchiffon", [0xff, 0xfa, 0xcd]),
    ("papayawhip", [0xff, 0xef, 0xd5]),
    ("antiquewhite", [0xfa, 0xeb, 0xd7]),
    ("mistyrose", [0xff, 0xe4, 0xe1]),
    ("lavenderblush", [0xff, 0xf0, 0xf5]),
    ("khaki", [0xf0, 0xe6, 0x8c]),
    ("wheat", [0xf5, 0xde, 0xb3]),
];

/// WCAG 2 relative luminance of an sRGB colour (0 for black, 1 for white).
fn luminance(rgb: Rgb) -> f64 {
    let linear = |c: u8| {
        let s = f64::from(c) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = rgb;
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// Whether text in this colour reaches AA contrast on the darkest paper.
fn is_legible_on_paper(rgb: Rgb) -> bool {
    (PAPER_LUMINANCE + 0.05) / (luminance(rgb) + 0.05) >= MIN_CONTRAST
}

/// Whether a background is at least as light as the paper, so legible text stays legible on it.
fn is_as_light_as_paper(rgb: Rgb) -> bool {
    luminance(rgb) >= PAPER_LUMINANCE
}

/// `rgb` itself if it is legible on paper; otherwise the lightest mix of it with black (same
/// hue) that is. Checked on the rounded bytes, so the result passes again when re-parsed.
fn darkened(rgb: Rgb) -> Rgb {
    if is_legible_on_paper(rgb) {
        return rgb;
    }
    // Black always passes (17:1), `rgb` does not: bisect the mix between them.
    let (mut passing, mut failing) = (0.0_f64, 1.0_f64);
    for _ in 0..32 {
        let mid = (passing + failing) / 2.0;
        if is_legible_on_paper(scaled(rgb, mid)) {
            passing = mid;
        } else {
            failing = mid;
        }
    }
    scaled(rgb, passing)
}

/// Each channel times `factor` (0 to 1), rounded down so the result is never lighter.
fn scaled(rgb: Rgb, factor: f64) -> Rgb {
    // At most the channel itself, so the cast cannot truncate.
    rgb.map(|c| (f64::from(c) * factor).floor() as u8)
}

fn hex([r, g, b]: Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Trims the whitespace CSS and HTML's attribute rules skip (ASCII only: a no-break space is
/// part of the value to a browser).
fn trim_css_whitespace(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A parsed colour's bytes and alpha.
    type RgbAlpha = Option<(Rgb, f64)>;

    fn colour(value: &str) -> RgbAlpha {
        match parse(value) {
            Some(Parsed::Colour(c, _)) => Some((c.rgb, c.alpha)),
            _ => None,
        }
    }

    fn text(value: &str) -> Verdict {
        verdict(value, Role::Text, Syntax::Css)
    }

    fn background(value: &str) -> Verdict {
        verdict(value, Role::Background, Syntax::Css)
    }

    const KEEP: Verdict = Verdict::Keep { is_colour: true };

    #[test]
    fn every_colour_syntax_parses() {
        let cases: &[(&str, &str, RgbAlpha)] = &[
            ("short hex", "#abc", Some(([0xaa, 0xbb, 0xcc], 1.0))),
            (
                "short hex with alpha",
                "#abc0",
                Some(([0xaa, 0xbb, 0xcc], 0.0)),
            ),
            ("long hex", "#0B7A5A", Some(([0x0b, 0x7a, 0x5a], 1.0))),
            (
                "long hex with alpha",
                "#0b7a5aff",
                Some(([0x0b, 0x7a, 0x5a], 1.0)),
            ),
            (
                "rgb with commas",
                "rgb(51, 51, 51)",
                Some(([51, 51, 51], 1.0)),
            ),
            (
                "rgba with commas",
                "RGBA(51,51,51,0.5)",
                Some(([51, 51, 51], 0.5)),
            ),
            (
                "percentages",
                "rgb(20%, 100%, 0%)",
                Some(([51, 255, 0], 1.0)),
            ),
            ("space syntax", "rgb(51 51 51)", Some(([51, 51, 51], 1.0))),
            (
                "space syntax with alpha",
                "rgb(51 51 51 / 50%)",
                Some(([51, 51, 51], 0.5)),
            ),
            (
                "mixed in space syntax",
                "rgba(20% 51 51/.5)",
                Some(([51, 51, 51], 0.5)),
            ),
            (
                "signs, fractions, exponents",
                "rgb(+1e2, -5, 127.6)",
                Some(([100, 0, 128], 1.0)),
            ),
            (
                "out of range is clamped",
                "rgb(300, 0, 0, 2)",
                Some(([255, 0, 0], 1.0)),
            ),
            ("a basic name", "Navy", Some(([0, 0, 0x80], 1.0))),
            (
                "a common name",
                "lightgrey",
                Some(([0xd3, 0xd3, 0xd3], 1.0)),
            ),
            ("transparent", "transparent", Some(([0, 0, 0], 0.0))),
            ("hex of another length", "#abcde", None),
            ("not hex", "#ggg", None),
            ("a sign in hex", "#+ff", None),
            ("mixed in comma syntax", "rgb(20%, 51, 51)", None),
            ("too few channels", "rgb(1 2)", None),
            ("space before the parenthesis", "rgb (1,2,3)", None),
            ("unclosed", "rgb(1,2,3", None),
            ("a nested function", "rgb(calc(1), 2, 3)", None),
            ("not a CSS number", "rgb(inf, 1., nan)", None),
            ("hsl", "hsl(0, 0%, 50%)", None),
            ("var", "var(--text)", None),
            ("an unknown name", "rebeccapurple", None),
            ("garbage", "#333 !x", None),
        ];
        for (name, value, expected) in cases {
            assert_eq!(colour(value), *expected, "{name}: {value}");
        }
        for keyword in ["inherit", "currentColor", "INITIAL", "unset"] {
            assert_eq!(parse(keyword), Some(Parsed::Keyword), "{keyword}");
        }
    }

    #[test]
    fn luminance_follows_wcag() {
        assert_eq!(luminance([0, 0, 0]), 0.0);
        assert!((luminance([255, 255, 255]) - 1.0).abs() < 1e-9);
        assert!((luminance([0x33, 0x33, 0x33]) - 0.0331).abs() < 1e-3);
        assert!((luminance([0xee, 0xee, 0xee]) - 0.855).abs() < 1e-3);
    }

    #[test]
    fn dark_enough_text_is_kept_as_written() {
        for value in [
            "#333",
            "#000000",
            "rgb(51 51 51)",
            "#c00000",
            "darkred",
            "navy",
        ] {
            assert_eq!(text(value), KEEP, "{value}");
        }
    }

    #[test]
    fn light_text_is_darkened_just_enough_keeping_its_hue() {
        assert_eq!(text("#888888"), Verdict::Replace("#686868".into()));
        assert_eq!(text("white"), Verdict::Replace("#686868".into()));
        assert_eq!(text("red"), Verdict::Replace("#d30000".into()));
        // One step lighter would fail: the mix stops as soon as it passes.
        assert!(is_legible_on_paper([0x68; 3]) && !is_legible_on_paper([0x69; 3]));
        assert!(!is_legible_on_paper([0xd4, 0, 0]));
    }

    #[test]
    fn darkened_colours_always_pass_and_are_kept_on_a_second_look() {
        for rgb in [
            [255, 255, 255],
            [255, 255, 0],
            [0, 255, 255],
            [0x88; 3],
            [1, 2, 255],
        ] {
            let legible = darkened(rgb);
            assert!(is_legible_on_paper(legible), "{rgb:?} → {legible:?}");
            assert_eq!(text(&hex(legible)), KEEP, "{rgb:?}");
        }
    }

    #[test]
    fn translucent_text_is_written_opaque() {
        assert_eq!(
            text("rgba(0, 0, 0, 0.3)"),
            Verdict::Replace("#000000".into())
        );
        assert_eq!(text("#fff8"), Verdict::Replace("#686868".into()));
        assert_eq!(text("transparent"), Verdict::Replace("#000000".into()));
        assert_eq!(text("#333333ff"), KEEP);
    }

    #[test]
    fn fractional_channels_are_written_as_hex_even_when_they_pass() {
        // ammonia would write 195.4999 back as 195.5, which rounds to another byte.
        assert_eq!(
            text("rgb(195.4999, 34.5, 102.25)"),
            Verdict::Replace("#c32366".into())
        );
        assert_eq!(text("rgb(20% 20% 20%)"), KEEP);
        assert_eq!(
            background("rgb(255 255 255 / 50%)"),
            KEEP,
            "a whole-number colour keeps its alpha"
        );
        assert_eq!(
            background("rgb(98.5% 100% 100%)"),
            Verdict::Replace("#fbffff".into())
        );
    }

    #[test]
    fn keywords_are_kept_and_what_cannot_be_read_is_dropped() {
        let neutral = Verdict::Keep { is_colour: false };
        for keyword in TEXT_KEYWORDS {
            assert_eq!(text(keyword), neutral, "{keyword}");
        }
        for garbage in [
            "var(--x)",
            "hsl(0 0% 50%)",
            "color-mix(in srgb, red, blue)",
            "",
            "#33",
        ] {
            assert_eq!(text(garbage), Verdict::Drop, "{garbage:?}");
        }
    }

    #[test]
    fn only_backgrounds_as_light_as_the_paper_are_kept() {
        for light in [
            "#eee",
            "#fff6d6",
            "white",
            "rgb(255 255 255 / 0.5)",
            "ivory",
        ] {
            assert_eq!(background(light), KEEP, "{light}");
        }
        assert_eq!(
            background("transparent"),
            Verdict::Keep { is_colour: false }
        );
        for dropped in [
            "#000",
            "#0b7a5a",
            "#ccc",
            "inherit",
            "currentcolor",
            "var(--bg)",
            "x",
        ] {
            assert_eq!(background(dropped), Verdict::Drop, "{dropped}");
        }
    }

    #[test]
    fn attributes_keep_only_what_the_legacy_parser_reads_the_same() {
        let attribute = |value, role| verdict(value, role, Syntax::Attribute);
        assert_eq!(attribute(" #333 ", Role::Text), KEEP);
        assert_eq!(attribute("Navy", Role::Text), KEEP);
        assert_eq!(attribute("#fff", Role::Background), KEEP);
        // A browser reads `rgb(…)`, `#rrggbbaa` and `inherit` in an attribute as other colours.
        assert_eq!(
            attribute("rgb(51, 51, 51)", Role::Text),
            Verdict::Replace("#333333".into())
        );
        assert_eq!(
            attribute("#ffffffff", Role::Background),
            Verdict::Replace("#ffffff".into())
        );
        assert_eq!(attribute("inherit", Role::Text), Verdict::Drop);
        assert_eq!(attribute("333333", Role::Text), Verdict::Drop);
    }
}
