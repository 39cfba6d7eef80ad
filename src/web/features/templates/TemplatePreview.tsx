import { useTranslation } from 'react-i18next';
import { WaText } from '../../components/message/WaText.tsx';
import type { TemplateForm } from './form.ts';

/** `{{x}}` replaced by the sample of `where:x` (or left visible when there is none). */
function fill(text: string, samples: Record<string, string>, where: 'header' | 'body'): string {
  return text.replace(/\{\{([^{}]*)\}\}/g, (whole, n: string) => samples[`${where}:${n.trim()}`] || whole);
}

/** A WhatsApp-like bubble of the template as a customer would see it, with the sample values filled in. */
export function TemplatePreview({ form }: { form: TemplateForm }) {
  const { t } = useTranslation();
  const auth = form.category === 'AUTHENTICATION';
  const buttons = auth
    ? [{ key: 'otp', label: t('templates.form.buttonTypes.OTP') }]
    : form.buttons.map((b, i) => ({
        key: String(i),
        label: b.type === 'COPY_CODE' ? t('templates.form.buttonTypes.COPY_CODE') : b.text,
      }));
  return (
    <section className="template-preview" aria-label={t('templates.form.preview')}>
      <div className="bubble template-bubble">
        {!auth && form.headerKind === 'TEXT' && (
          <strong className="template-header">{fill(form.headerText, form.samples, 'header')}</strong>
        )}
        {!auth && form.headerKind !== 'TEXT' && form.headerKind !== 'NONE' && (
          <div className="template-media muted">
            {t(`templates.form.header${form.headerKind[0]}${form.headerKind.slice(1).toLowerCase()}`)}
          </div>
        )}
        {auth ? (
          <p className="template-body">
            {t('templates.form.previewAuth')} {form.addSecurity && t('templates.form.previewSecurity')}
          </p>
        ) : (
          <WaText className="template-body" text={fill(form.body, form.samples, 'body')} />
        )}
        {auth && form.codeExpiration !== '' && (
          <div className="small muted">
            {t('templates.form.previewExpiry', { minutes: form.codeExpiration })}
          </div>
        )}
        {!auth && form.footer && <div className="small muted">{form.footer}</div>}
      </div>
      {buttons.length > 0 && (
        <ul className="template-buttons">
          {buttons.map((b) => (
            <li key={b.key}>{b.label}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
