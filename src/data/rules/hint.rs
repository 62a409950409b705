//! One-line hints for the problem-data lists: what a county should change so that a row drops
//! off the next list (e.g. "the 18th character should be 7").

use super::Rule;
use crate::data::ids;

/// The column a rule is about, as the lists name it.
pub fn column(rule: &Rule) -> &str {
    if !rule.column.is_empty() {
        &rule.column
    } else if !rule.src_column.is_empty() {
        &rule.src_column
    } else if let Some(c) = rule.columns.first() {
        c
    } else {
        match rule.kind.as_str() {
            "paid_twice" => "employer_code",
            "after_retirement" | "unemployed_while_employed" | "after_death" => "period",
            "work_age" => "work_start",
            "id_names_differ" => "name",
            "candidate_duplicate" => "id_number",
            "contribution_gap" => "period",
            "base_limits" => "base",
            "reconciliation" => "rows",
            _ => "",
        }
    }
}

/// How to fix one violating row.
pub fn hint(rule: &Rule, key: &str, value: Option<&str>) -> String {
    let v = value.unwrap_or("");
    let col = column(rule);
    match rule.kind.as_str() {
        "not_null" => format!("{col} is empty: fill it in"),
        "id_shape" => "an ID number is 17 digits and a check character (a digit or X)".into(),
        "id_check_char" => match ids::id_check_char(v.get(..17).unwrap_or("")) {
            Some(c) => format!("the 18th character should be {c}"),
            None => "the check character is wrong".into(),
        },
        "id_birth_real" => format!(
            "the birth date in the ID number ({}) is not a real date up to today",
            v.get(6..14).unwrap_or("")
        ),
        "id_area_code" => format!(
            "area code {} was not in force in or after the birth year {}: check the first six digits",
            v.get(..6).unwrap_or(""),
            v.get(6..10).unwrap_or("")
        ),
        "id_sex" => "the 17th digit (odd: man, even: woman) and the sex field disagree".into(),
        "id_birth_matches" => format!(
            "the birth date field differs from the ID number's {}",
            v.get(6..14).unwrap_or("")
        ),
        "id_legacy" => match ids::id_15_to_18(v) {
            Some(long) => format!("send the 18-character ID number {long}"),
            None => "send the 18-character ID number".into(),
        },
        "unique" => format!("held by counties {v}: the person belongs to one county"),
        "employer_code" => employer_hint(v),
        "orphan" => format!(
            "no {} with {col} {v} in the city: send that row too, or correct the reference",
            rule.ref_table
        ),
        "in_dictionary" => format!("`{v}` is not a {} code", rule.code_type),
        "date_valid" => format!("`{v}` is not a real date, a placeholder or in the future"),
        "period_valid" => format!("`{v}` is not a month YYYYMM"),
        "paid_twice" => format!("paid twice for {key} (employers {v}): keep one payment"),
        "after_retirement" => "a contribution after retirement or death: check the dates".into(),
        "unemployed_while_employed" => {
            "registered unemployed while contributing as employed in the same month".into()
        }
        "bad_characters" => {
            "private-use or replacement characters (a broken GBK conversion): retype it".into()
        }
        "row_count" => format!("only {key} rows"),
        "reconciliation" => {
            format!("rows loaded / rows in the city: {v}: import the county's contributions again")
        }
        "work_age" => {
            "work started before the age of 14, after 70, or before birth: check work_start and birth_date".into()
        }
        "id_names_differ" => format!("one ID number, several names ({v}): keep the right one"),
        "candidate_duplicate" => format!(
            "the same name, birth date and sex under ID numbers {v}: the same person twice?"
        ),
        "contribution_gap" => format!("months without contributions between {v}"),
        "base_limits" => "the contribution base is outside the city's limits for its year".into(),
        "area_code" => format!("`{v}` is no GB/T 2260 area code"),
        "after_death" => "a payment after the person's death: check death_date and period".into(),
        _ => rule.description.clone(),
    }
}

fn employer_hint(code: &str) -> String {
    if let Some(p) = ids::employer_char_problem(code) {
        return p;
    }
    match code.chars().count() {
        9 => match ids::org_check_char(&code[..8]) {
            Some(c) if code.is_ascii() => format!("the 9th character should be {c}"),
            _ => "not an organization code (GB 11714)".into(),
        },
        18 if code.is_ascii() => {
            if let Some(p) = ids::uscc_area_problem(&code[2..8]) {
                p.into()
            } else if !ids::org_code_ok(&code[8..17]) {
                "characters 9-17 are not a valid organization code".into()
            } else {
                match ids::uscc_check_char(&code[..17]) {
                    Some(c) => format!("the 18th character should be {c}"),
                    None => "not a credit code (GB 32100)".into(),
                }
            }
        }
        _ => "an employer code has 9 or 18 characters".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::employer_hint;

    #[test]
    fn employer_hints_count_characters() {
        // 9 bytes, 7 characters: the hint cut the code inside '五' and panicked
        assert_eq!(
            employer_hint("002518五"),
            "character 7 '五' is no code character: an employer code is digits and capital letters"
        );
        assert_eq!(
            employer_hint("００２５１８０５８"),
            "character 1 '０' is full-width: an employer code is half-width digits and capital letters"
        );
        assert_eq!(employer_hint("002518058"), "the 9th character should be 7");
        assert_eq!(
            employer_hint("91419999002518057K"),
            "characters 3-8 are no GB/T 2260 area code (100000 for a national authority)"
        );
    }
}
