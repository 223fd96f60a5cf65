// Markup of the "Key details" panel: every field (editable ones as inputs), one button per action
// (`action-<verb>`), and the recent audit events. Values, and which parts show, are filled in by
// media/webview/detailsView.ts from the layout the host sends.
import { th } from '../html';

const readOnly = (id: string, label: string) =>
  `<div class="detail"><span class="detail-label">${label}</span><span class="detail-value" id="detail-${id}" data-testid="detail-${id}"></span></div>`;

const editable = (id: string, label: string, control: string) =>
  `<vscode-form-group variant="vertical" id="group-${id}" data-testid="group-${id}"><vscode-label for="edit-${id}">${label}</vscode-label>${control}
<div class="field-error" role="alert" data-testid="error-${id}" id="error-${id}" hidden></div></vscode-form-group>`;

const action = (verb: string, label: string, icon: string, secondary = true) =>
  `<vscode-button ${secondary ? 'secondary' : ''} icon="${icon}" data-testid="action-${verb}" id="action-${verb}" data-action="${verb}">${label}</vscode-button>`;

export function detailsBody(): string {
  return `<main class="page">
<h1><span data-testid="detail-name" id="detail-name"></span> <span class="state-badge" data-testid="detail-state" id="detail-state"></span></h1>
<div class="actions" id="actions">
${action('copy-reference', th('Copy Reference'), 'copy')}
${action('copy-authorization', th('Copy Authorization Header'), 'copy')}
${action('reveal', th('Reveal'), 'eye')}
${action('inject', th('Write into Config Files'), 'go-to-file')}
${action('deactivate', th('Deactivate'), 'debug-pause')}
${action('reactivate', th('Reactivate'), 'debug-start')}
${action('regenerate', th('Regenerate'), 'refresh')}
${action('revoke', th('Revoke'), 'circle-slash')}
${action('delete', th('Delete'), 'trash')}
${action('audit', th('Open Audit Log'), 'history')}
</div>
<section class="details-grid">
${readOnly('reference', th('Reference'))}
${readOnly('masked', th('Key'))}
${readOnly('service', th('Service'))}
${readOnly('environment', th('Environment'))}
${readOnly('origin', th('Origin'))}
${readOnly('created', th('Created'))}
${readOnly('last-used', th('Last used'))}
${readOnly('use-count', th('Uses'))}
${readOnly('rotation', th('Rotation'))}
<div class="detail" id="row-endpoint" data-testid="row-endpoint" hidden><span class="detail-label">${th('Endpoint')}</span><span class="detail-value"><span id="detail-endpoint" data-testid="detail-endpoint"></span> ${action('copy-endpoint', th('Copy'), 'copy')}</span></div>
</section>
<form id="details-form" novalidate>
${editable('name', th('Name'), '<vscode-textfield id="edit-name" data-testid="edit-name"></vscode-textfield>')}
<div class="row">
${editable('starts-at', th('Valid from'), '<vscode-textfield id="edit-starts-at" data-testid="edit-starts-at" type="date"></vscode-textfield>')}
${editable('expires-at', th('Valid until'), '<vscode-textfield id="edit-expires-at" data-testid="edit-expires-at" type="date"></vscode-textfield>')}
</div>
${editable('permissions', th('Permissions'), '<vscode-checkbox-group id="edit-permissions" data-testid="edit-permissions" variant="vertical"></vscode-checkbox-group>')}
${editable('companies', th('Companies'), '<vscode-textarea id="edit-companies" data-testid="edit-companies" rows="2"></vscode-textarea>')}
${editable('ip-allow-list', th('IP allow-list'), '<vscode-textarea id="edit-ip-allow-list" data-testid="edit-ip-allow-list" rows="2"></vscode-textarea>')}
${editable('organization', th('Organization'), '<vscode-textfield id="edit-organization" data-testid="edit-organization"></vscode-textfield>')}
<div class="form-error" role="alert" data-testid="error-form" id="error-form" hidden></div>
<div class="actions" id="save-row">${action('save', th('Save Changes'), 'save', false)}</div>
</form>
<h2>${th('Recent activity')}</h2>
<table class="audit" data-testid="audit">
<thead><tr><th>${th('When')}</th><th>${th('Who')}</th><th>${th('Action')}</th></tr></thead>
<tbody id="audit-rows"></tbody>
</table>
<div id="strings" hidden
  data-state-active="${th('Active')}" data-state-inactive="${th('Inactive')}" data-state-revoked="${th('Revoked')}"
  data-state-scheduled="${th('Scheduled')}" data-state-expired="${th('Expired')}"
  data-env-test="${th('Test')}" data-env-production="${th('Production')}"
  data-origin-generated="${th('Generated here')}" data-origin-imported="${th('Imported')}"
  data-never="${th('Never')}" data-no-events="${th('No events yet.')}"
  data-saved="${th('Saved.')}" data-rotated-from="${th('replaces {0}', '{0}')}" data-rotated-to="${th('replaced by {0}', '{0}')}"
  data-grace="${th('old secret valid until {0}', '{0}')}" data-no-permissions="${th('This service has no method permissions.')}"></div>
</main>`;
}
