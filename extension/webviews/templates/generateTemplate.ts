// Markup of the "Generate key" form. Labels are localised here, on the host; the browser script
// (media/webview/generateView.ts) fills the options and shows errors. data-testid values are
// what the UI tests select on: keep them stable.
import { th } from '../html';

function field(id: string, label: string, control: string, help = ''): string {
  return `<vscode-form-group variant="vertical">
  <vscode-label for="${id}">${label}</vscode-label>
  ${control}
  ${help ? `<vscode-form-helper>${help}</vscode-form-helper>` : ''}
  <div class="field-error" role="alert" data-testid="error-${id}" id="error-${id}" hidden></div>
</vscode-form-group>`;
}

export function generateBody(): string {
  return `<main class="page">
<h1>${th('Generate key')}</h1>
<form id="generate-form" novalidate>
${field('service', th('Service'), '<vscode-single-select id="service" data-testid="service"></vscode-single-select>', '<span id="service-help"></span>')}
${field(
  'environment',
  th('Environment'),
  `<vscode-single-select id="environment" data-testid="environment">
    <vscode-option value="test" description="${th('The secret can be shown again later')}">${th('Test')}</vscode-option>
    <vscode-option value="production" description="${th('The secret is shown once, never again')}">${th('Production')}</vscode-option>
  </vscode-single-select>`,
)}
${field('name', th('Name'), `<vscode-textfield id="name" data-testid="name" placeholder="${th('e.g. billing-service')}"></vscode-textfield>`, th('One key per application is recommended.'))}
<div class="row">
${field('starts-at', th('Valid from'), '<vscode-textfield id="starts-at" data-testid="starts-at" type="date"></vscode-textfield>', th('Empty: now.'))}
${field('expires-at', th('Valid until'), '<vscode-textfield id="expires-at" data-testid="expires-at" type="date"></vscode-textfield>', th('Empty: the service default, or never.'))}
</div>
${field('permissions', th('Permissions'), '<vscode-checkbox-group id="permissions" data-testid="permissions" variant="vertical"></vscode-checkbox-group>', `<span id="permissions-help">${th('None checked: every method of the service.')}</span>`)}
${field('companies', th('Companies'), `<vscode-textarea id="companies" data-testid="companies" rows="2" placeholder="${th('One per line; empty: any company')}"></vscode-textarea>`, '<span id="companies-help"></span>')}
${field('ip-allow-list', th('IP allow-list'), `<vscode-textarea id="ip-allow-list" data-testid="ip-allow-list" rows="2" placeholder="${th('IP addresses or CIDR ranges, one per line; empty: any')}"></vscode-textarea>`)}
${field('inject', th('Write into config files'), '<div id="inject" data-testid="inject-targets"></div>', `<span id="inject-help">${th('Files mapped in .vscode/keysmith.json for this service and environment.')}</span>`)}
<div class="form-error" role="alert" data-testid="error-form" id="error-form" hidden></div>
<div class="actions">
  <vscode-button id="submit" data-testid="submit" type="submit">${th('Generate')}</vscode-button>
</div>
</form>
<div id="strings" hidden
  data-unavailable="${th('Unavailable')}"
  data-no-mapping="${th('No config file is mapped for this service and environment: after generating, use "Write into config files".')}"
  data-no-workspace="${th('Open a folder to write the key into its config files.')}"
  data-no-companies="${th('This service takes no company restrictions.')}"
  data-no-permissions="${th('This service has no method permissions.')}"
  data-name-required="${th('A name is required.')}"
  data-service-required="${th('Choose an available service.')}"
  data-generating="${th('Generating…')}"></div>
</main>`;
}
