/** Every problem a user can cause by handing us a description carries a stable code and says where. */
export type DocumentErrorCode =
  | 'DOCUMENT_UNREADABLE'
  /** Over a cap that is checked before any parser runs: bytes, nesting, or what YAML aliases expand to. */
  | 'DOCUMENT_TOO_LARGE'
  | 'DOCUMENT_SYNTAX'
  | 'DOCUMENT_NOT_OPENAPI'
  | 'DOCUMENT_SWAGGER_2'
  | 'REF_UNRESOLVED'
  | 'REF_CIRCULAR';

export class DocumentError extends Error {
  override readonly name = 'DocumentError';
  constructor(
    readonly code: DocumentErrorCode,
    message: string,
    readonly source: string,
    readonly location?: { line: number; column: number },
  ) {
    super(message);
  }
}
