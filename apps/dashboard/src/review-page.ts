import type { IncomingMessage } from 'node:http';
import { permits } from './access.ts';
import { ContractsStoreError } from './contracts-store.ts';
import { BodyTooLargeError, PROBLEM, problem, type Reply, readBody } from './http.ts';
import type { Actor } from './principals-store.ts';
import type { PageRenderer } from './procurement.ts';
import type { RateDecision } from './rate-limit.ts';
import { type ResultsStore, ResultsStoreError } from './store.ts';

/** Rows of each kind on the page at once: a review is worked through in turns, and the page stays small. */
export const REVIEW_ROWS = 100;

export interface ReviewPageDeps {
  readonly store: ResultsStore;
  readonly now: () => Date;
  readonly page: PageRenderer;
  readonly knownToken: (token: string) => Promise<Actor | undefined>;
  readonly rateLimit: (client: string) => RateDecision;
  readonly maxFormBytes: number;
}

type ErrorItem = { text: string; href: string };

/**
 * The review page: the claims waiting for LOTI (suppliers' keys and Companies House numbers) and the reports
 * held back, with a decision for each, saved with a certifier's or administrator's credential typed into the
 * form (a browser cannot send a bearer header; with no cookie, a forged post has nothing to ride on).
 */
export function createReviewPage(deps: ReviewPageDeps) {
  const { store } = deps;

  async function render(status: number, errors: ErrorItem[] = [], saved = 0): Promise<Reply> {
    const [keys, claims, held] = await Promise.all([
      store.keys('supplier'),
      store.contracts.companyNumberClaims('pending'),
      store.heldReports(),
    ]);
    return deps.page(
      'review.njk',
      'Claims to review',
      '/review',
      {
        errors,
        saved,
        keys: keys.filter((key) => key.state === 'pending').slice(0, REVIEW_ROWS),
        claims: claims.slice(0, REVIEW_ROWS),
        held: held.slice(0, REVIEW_ROWS).map((h) => ({
          ...h.summary,
          productName: h.productName,
          supplierName: h.supplierName,
        })),
      },
      status,
    );
  }

  async function post(request: IncomingMessage): Promise<Reply> {
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type))
      return problem(415, PROBLEM.unsupportedMediaType, 'send the review form as a browser does', '/review');
    let body: Buffer;
    try {
      body = await readBody(request, deps.maxFormBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return problem(413, PROBLEM.tooLarge, error.message, '/review', {}, { connection: 'close' });
      throw error;
    }
    const form = new URLSearchParams(body.toString('utf8'));
    const actor = await deps.knownToken(form.get('token') ?? '');
    const rate = deps.rateLimit(
      actor ? `credential:${actor.credentialId}` : `address:${request.socket.remoteAddress ?? ''}`,
    );
    if (!rate.allowed)
      return render(429, [
        { text: `Too many attempts: try again in ${rate.retryAfterSeconds} seconds`, href: '#token' },
      ]);
    if (!actor) return render(401, [{ text: 'Enter the credential LOTI issued you', href: '#token' }]);
    if (!permits(actor, 'review').allowed)
      return render(403, [
        {
          text: `Only a certifier or administrator may decide claims: this credential is ${actor.principal.name}’s`,
          href: '#token',
        },
      ]);

    const at = deps.now();
    const by = actor.principal.id;
    const errors: ErrorItem[] = [];
    let saved = 0;
    const attempt = async (href: string, what: string, work: () => Promise<unknown>) => {
      try {
        await work();
        saved += 1;
      } catch (error) {
        if (!(error instanceof ResultsStoreError) && !(error instanceof ContractsStoreError)) throw error;
        errors.push({ text: `${what}: ${error.message}`, href });
      }
    };
    for (let index = 0; index < REVIEW_ROWS; index++) {
      const keyId = form.get(`key-${index}`);
      const keyDecision = form.get(`key-decision-${index}`);
      if (keyId && (keyDecision === 'approve' || keyDecision === 'reject'))
        await attempt(`#key-decision-${index}`, `The key ${keyId}`, () =>
          store.reviewKey({ keyId, approve: keyDecision === 'approve', by, at }),
        );
      const claim = form.get(`claim-${index}`);
      const claimDecision = form.get(`claim-decision-${index}`);
      if (claim && (claimDecision === 'approve' || claimDecision === 'reject')) {
        const [supplierId = '', companyNumber = ''] = claim.split(' ');
        await attempt(`#claim-decision-${index}`, `The claim to ${companyNumber}`, () =>
          store.contracts.reviewCompanyNumber({
            supplierId,
            companyNumber,
            approve: claimDecision === 'approve',
            reason: `${claimDecision === 'approve' ? 'approved' : 'rejected'} on the review page`,
            by,
            at,
          }),
        );
      }
      const reportId = form.get(`report-${index}`);
      if (reportId && form.get(`report-decision-${index}`) === 'release') {
        if (!permits(actor, 'release-report').allowed) {
          errors.push({
            text: 'Only an administrator may list a held report in place of a certificate',
            href: `#report-decision-${index}`,
          });
          continue;
        }
        await attempt(`#report-decision-${index}`, `The report ${reportId.slice(0, 12)}`, () =>
          store.releaseReport({ id: reportId, by, at }),
        );
      }
    }
    if (saved === 0 && errors.length === 0)
      return render(400, [{ text: 'Choose a decision for at least one claim', href: '#review' }]);
    return render(errors.length > 0 ? 422 : 200, errors, saved);
  }

  return {
    /** Answers /review, or undefined for any other path. */
    async route(request: IncomingMessage, url: URL): Promise<Reply | undefined> {
      if (url.pathname !== '/review') return undefined;
      if (request.method === 'POST') return post(request);
      if (request.method === 'GET' || request.method === 'HEAD') return render(200);
      return problem(
        405,
        PROBLEM.methodNotAllowed,
        '/review takes GET or POST',
        '/review',
        {},
        {
          allow: 'GET, HEAD, POST',
        },
      );
    },
  };
}
