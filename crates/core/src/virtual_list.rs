//! Which items of a long list to put in the DOM: those within `overscan` pixels of the
//! viewport. The rest are stood in for by padding of their (measured or estimated) height.

/// The items to render and the padding that stands in for the others.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisibleRange {
    /// First item to render.
    pub start: usize,
    /// One past the last item to render.
    pub end: usize,
    /// Height of the items before `start`.
    pub pad_top: f64,
    /// Height of the items from `end` on.
    pub pad_bottom: f64,
}

/// The range of `heights` (one per item, in order) that meets the viewport, widened by
/// `overscan` on both sides. `offset` is how far the viewport's top is below the list's top
/// (negative while the list starts lower on the screen).
pub fn visible_range(heights: &[f64], offset: f64, viewport: f64, overscan: f64) -> VisibleRange {
    let (from, to) = (offset - overscan, offset + viewport + overscan);
    let (mut start, mut end, mut pad_top) = (heights.len(), heights.len(), 0.0);
    let mut y = 0.0;
    for (i, h) in heights.iter().enumerate() {
        let bottom = y + h;
        if start == heights.len() {
            if bottom > from {
                start = i;
            } else {
                pad_top = bottom;
            }
        }
        if start != heights.len() && y >= to {
            end = i;
            break;
        }
        y = bottom;
    }
    let total: f64 = heights.iter().sum();
    let rendered: f64 = heights.get(start..end).map_or(0.0, |h| h.iter().sum());
    VisibleRange {
        start,
        end,
        pad_top,
        pad_bottom: (total - pad_top - rendered).max(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_items_near_the_viewport_are_rendered() {
        let heights = vec![100.0; 10_000];
        let r = visible_range(&heights, 500_000.0, 800.0, 200.0);
        assert_eq!((r.start, r.end), (4_998, 5_010));
        assert_eq!(r.pad_top, 499_800.0);
        assert_eq!(
            r.pad_top + (r.end - r.start) as f64 * 100.0 + r.pad_bottom,
            1_000_000.0
        );
    }

    #[test]
    fn the_top_and_the_bottom_of_the_list_are_handled() {
        let heights = vec![50.0, 300.0, 80.0, 120.0];
        let top = visible_range(&heights, -400.0, 500.0, 0.0);
        assert_eq!((top.start, top.end, top.pad_top), (0, 2, 0.0));
        let bottom = visible_range(&heights, 500.0, 800.0, 100.0);
        assert_eq!((bottom.start, bottom.end, bottom.pad_bottom), (2, 4, 0.0));
        assert_eq!(bottom.pad_top, 350.0);
        let all = visible_range(&heights, 0.0, 2_000.0, 0.0);
        assert_eq!(
            (all.start, all.end, all.pad_top, all.pad_bottom),
            (0, 4, 0.0, 0.0)
        );
        let none = visible_range(&[], 0.0, 800.0, 0.0);
        assert_eq!((none.start, none.end), (0, 0));
    }

    #[test]
    fn a_list_entirely_above_the_viewport_renders_nothing() {
        let r = visible_range(&[100.0, 100.0], 5_000.0, 800.0, 0.0);
        assert_eq!((r.start, r.end), (2, 2));
        assert_eq!(r.pad_top, 200.0);
    }
}
