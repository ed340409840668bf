//! `/staff/specialists`: the specialists and departments, with the forms
//! that add, rename and turn them on or off.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{SpecialistActionName, SpecialistsPage};
use crate::Erase;
use crate::i18n::td_string;
use crate::staff::frame::department_name;

#[component]
pub fn Specialists(page: SpecialistsPage) -> impl IntoView {
    let locale = crate::use_locale();
    let department_of = |code: &str| {
        page.departments
            .iter()
            .find(|d| d.code == code)
            .map(|d| department_name(locale, d))
            .unwrap_or_default()
    };
    let rows = page.specialists.iter().map(|s| {
        let id = s.id.to_string();
        let toggle = if s.active { (SpecialistActionName::Deactivate, td_string!(locale, staff.deactivate)) } else { (SpecialistActionName::Activate, td_string!(locale, staff.activate)) };
        let label = format!("{} {}", td_string!(locale, staff.name), s.name);
        view! {
            <tr>
                <td data-testid="specialist-id">{id.clone()}</td>
                <td>
                    <form method="post" action="/staff/specialists" class="inline">
                        <input type="hidden" name="id" value=id.clone() />
                        <label class="visually-hidden" for=format!("name-{id}")>{label}</label>
                        <input id=format!("name-{id}") name="name" type="text" value=s.name.clone() maxlength="100" />
                        <button type="submit" name="action" value=SpecialistActionName::Rename.code() class="button secondary">{td_string!(locale, staff.rename)}</button>
                    </form>
                </td>
                <td>{department_of(&s.department)}</td>
                <td>{if s.active { td_string!(locale, staff.active) } else { td_string!(locale, staff.inactive) }}</td>
                <td>
                    <form method="post" action="/staff/specialists" class="inline">
                        <input type="hidden" name="id" value=id.clone() />
                        <button type="submit" name="action" value=toggle.0.code() class="button secondary">{toggle.1}</button>
                    </form>
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <Title text=td_string!(locale, staff.specialists_title).to_owned() />
        <h1>{td_string!(locale, staff.specialists_title)}</h1>
        {page.problem.then(|| view! { <div class="error-summary" role="alert" tabindex="-1" autofocus><p>{td_string!(locale, staff.admin_problem)}</p></div> })}
        <table>
            <thead><tr>
                <th scope="col">{td_string!(locale, staff.specialist_id)}</th>
                <th scope="col">{td_string!(locale, staff.name)}</th>
                <th scope="col">{td_string!(locale, staff.department)}</th>
                <th scope="col">{td_string!(locale, staff.state)}</th>
                <th scope="col"><span class="visually-hidden">{td_string!(locale, staff.actions)}</span></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <h2>{td_string!(locale, staff.add_specialist)}</h2>
        <form method="post" action="/staff/specialists" class="narrow">
            <div class="field">
                <label for="new-name">{td_string!(locale, staff.name)}</label>
                <input id="new-name" name="name" type="text" maxlength="100" required />
            </div>
            <div class="field">
                <label for="new-department">{td_string!(locale, staff.department)}</label>
                <select id="new-department" name="department">
                    {page.departments.iter().filter(|d| d.active).map(|d| view! { <option value=d.code.clone()>{department_name(locale, d)}</option> }).collect_view()}
                </select>
            </div>
            <p class="actions"><button type="submit" name="action" value=SpecialistActionName::Add.code() class="button">{td_string!(locale, staff.add_specialist)}</button></p>
        </form>
        <h2>{td_string!(locale, staff.departments)}</h2>
        <ul class="plain">
            {page.departments.iter().map(|d| {
                let state = if d.active { td_string!(locale, staff.active) } else { td_string!(locale, staff.inactive) };
                let toggle = if d.active { td_string!(locale, staff.deactivate) } else { td_string!(locale, staff.activate) };
                view! {
                    <li>
                        <form method="post" action="/staff/specialists" class="inline">
                            <span>{format!("{} / {} ({state})", d.name_ja, d.name_en)}</span>
                            <input type="hidden" name="code" value=d.code.clone() />
                            <button type="submit" name="action" value=SpecialistActionName::ToggleDepartment.code() class="button secondary">
                                {toggle}<span class="visually-hidden">{format!(" {}", d.name_en)}</span>
                            </button>
                        </form>
                    </li>
                }
            }).collect_view()}
        </ul>
        <h3>{td_string!(locale, staff.add_department)}</h3>
        <form method="post" action="/staff/specialists" class="narrow">
            <div class="field">
                <label for="department-code">{td_string!(locale, staff.department_code)}</label>
                <p class="hint" id="department-code-hint">{td_string!(locale, staff.department_code_hint)}</p>
                <input id="department-code" name="code" type="text" maxlength="32" pattern="[a-z_]+" aria-describedby="department-code-hint" required />
            </div>
            <div class="field">
                <label for="department-ja">{td_string!(locale, staff.department_name_ja)}</label>
                <input id="department-ja" name="name_ja" type="text" maxlength="100" required />
            </div>
            <div class="field">
                <label for="department-en">{td_string!(locale, staff.department_name_en)}</label>
                <input id="department-en" name="name_en" type="text" maxlength="100" required />
            </div>
            <p class="actions"><button type="submit" name="action" value=SpecialistActionName::AddDepartment.code() class="button">{td_string!(locale, staff.add_department)}</button></p>
        </form>
    }
    .erase()
}
