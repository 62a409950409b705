//! How every table is laid out at a width: as a grid when each column can be as wide as its
//! longest word (so no ID number, code or status word is ever cut in the middle), else one
//! record per block (`label  value` lines, a blank line between records).

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};
use unicode_width::UnicodeWidthStr;

/// Width of the borders and padding of a grid of `columns` columns in the house style
/// (`│ a ┆ b │`: three per column, and one).
fn frame(columns: usize) -> usize {
    3 * columns + 1
}

/// The table as text for a terminal `width` columns wide (None: as wide as it needs).
pub fn render(table: &mut Table, width: Option<usize>) -> String {
    let Some(width) = width else {
        table.force_no_tty();
        return table.to_string();
    };
    let mins = longest_words(table);
    if mins.iter().sum::<usize>() + frame(mins.len()) > width {
        return blocks(table, width);
    }
    table.set_content_arrangement(ContentArrangement::Dynamic);
    table.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    for (column, min) in table.column_iter_mut().zip(&mins) {
        // a lower boundary counts the padding too
        let at_least = u16::try_from(min + 2).unwrap_or(u16::MAX);
        column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(at_least)));
    }
    table.to_string()
}

/// The display width of the longest word of each column, its header included.
fn longest_words(table: &Table) -> Vec<usize> {
    let mut widths: Vec<usize> = Vec::new();
    let rows = table.header().into_iter().chain(table.row_iter());
    for row in rows {
        for (i, cell) in row.cell_iter().enumerate() {
            let longest = cell
                .content()
                .split_whitespace()
                .map(UnicodeWidthStr::width)
                .max()
                .unwrap_or(0);
            if widths.len() <= i {
                widths.resize(i + 1, 0);
            }
            widths[i] = widths[i].max(longest.max(1));
        }
    }
    widths
}

/// One record per block: each cell on its own line after its column's name; a table without
/// column names (key and value rows) keeps one row per line.
fn blocks(table: &Table, width: usize) -> String {
    let header: Vec<String> = table
        .header()
        .map(|h| h.cell_iter().map(|c| c.content()).collect())
        .unwrap_or_default();
    let mut out = String::new();
    if header.iter().all(|h| h.trim().is_empty()) {
        let rows: Vec<Vec<String>> = table
            .row_iter()
            .map(|r| r.cell_iter().map(|c| c.content()).collect())
            .collect();
        let label = rows
            .iter()
            .filter_map(|r| r.first())
            .map(|c| c.width())
            .max()
            .unwrap_or(0);
        for row in rows {
            let key = row.first().cloned().unwrap_or_default();
            let value = row[1.min(row.len())..].join("  ");
            labelled(&mut out, &key, label, &value, width);
        }
        return out.trim_end().to_string();
    }
    let label = header.iter().map(|h| h.width()).max().unwrap_or(0);
    for (i, row) in table.row_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, cell) in row.cell_iter().enumerate() {
            let value = cell.content();
            if value.trim().is_empty() {
                continue;
            }
            let name = header.get(j).map_or("", String::as_str);
            labelled(&mut out, name, label, &value, width);
        }
    }
    out.trim_end().to_string()
}

/// `label` padded to `label_width`, then `value` wrapped at spaces to what is left of `width`
/// (a word longer than that stays whole on a line of its own).
fn labelled(out: &mut String, label: &str, label_width: usize, value: &str, width: usize) {
    let indent = label_width + 2;
    let room = width.saturating_sub(indent).max(1);
    for (k, line) in wrap(value, room).iter().enumerate() {
        let name = if k == 0 { label } else { "" };
        out.push_str(name);
        out.push_str(&" ".repeat(indent - name.width()));
        out.push_str(line);
        out.push('\n');
    }
}

/// `text` in lines of at most `width` columns, broken only at spaces and newlines.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && line.width() + 1 + word.width() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use comfy_table::{Cell, presets};

    fn table(rows: &[&[&str]], header: &[&str]) -> Table {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED);
        t.set_header(header.iter().map(Cell::new).collect::<Vec<_>>());
        for r in rows {
            t.add_row(r.iter().map(Cell::new).collect::<Vec<_>>());
        }
        t
    }

    const ID: &str = "410102199001011234";

    #[test]
    fn a_grid_that_fits_wraps_only_between_words() {
        let mut t = table(
            &[&[
                "xuchang",
                ID,
                "WARNING",
                "the disk of the application server fills up: remove old releases with keep_releases",
            ]],
            &["city", "id", "status", "hint"],
        );
        let text = render(&mut t, Some(80));
        assert!(text.lines().all(|l| l.width() <= 80), "{text}");
        assert!(text.contains(ID) && text.contains("WARNING"), "{text}");
        assert!(text.contains("keep_releases"), "{text}");
    }

    #[test]
    fn a_table_too_wide_for_its_words_becomes_blocks() {
        let sha = "9b395672d5806e07a662fe57bf116411e0763bf4c8194dcb8228ccfc2b841f88";
        let mut t = table(
            &[
                &["xuchang-app1", sha, "update"],
                &["xuchang-app2", sha, "create"],
            ],
            &["host", "checksum", "action"],
        );
        let text = render(&mut t, Some(40));
        assert!(text.starts_with("host      xuchang-app1\n"), "{text}");
        assert!(text.contains(&format!("checksum  {sha}\n")), "{text}");
        assert!(
            text.contains("action    update\n\nhost      xuchang-app2"),
            "{text}"
        );
        assert!(!text.contains('│'), "{text}");
    }

    #[test]
    fn key_value_tables_keep_a_row_per_line() {
        let mut t = table(
            &[
                &["name", "jinbao-unified"],
                &["size", "1 024 bytes, 9 files"],
            ],
            &["", ""],
        );
        let text = render(&mut t, Some(20));
        assert_eq!(
            text,
            "name  jinbao-unified\nsize  1 024 bytes, 9\n      files"
        );
    }

    #[test]
    fn without_a_width_the_grid_is_as_wide_as_it_needs() {
        let long = "word ".repeat(40);
        let mut t = table(&[&["a", long.trim()]], &["k", "v"]);
        let text = render(&mut t, None);
        assert!(text.lines().any(|l| l.width() > 200), "{text}");
    }

    #[test]
    fn chinese_counts_twice() {
        let mut t = table(&[&["许昌市", "ok"]], &["city", "status"]);
        let text = render(&mut t, Some(14));
        // "│ 许昌市 ┆ status │" is 6 + 6 + 7 = 19 wide: blocks
        assert!(text.starts_with("city    许昌市"), "{text}");
    }
}
