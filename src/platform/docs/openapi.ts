import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { applyApiConventions } from './openapi-conventions';

export const API_VERSION = '1.0.0';

/** `serverUrl` is this install's PUBLIC_URL, so Swagger UI's "Try it out" reaches it behind a proxy. */
export function buildOpenApiDocument(app: INestApplication, serverUrl: string): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('CRM box API')
    .setDescription(
      'The REST API of the self-hosted CRM. Errors are application/problem+json (RFC 9457); ' +
        'lists are cursor-paginated; writes honor Idempotency-Key and If-Match.',
    )
    .setVersion(API_VERSION)
    .setLicense('AGPL-3.0-only', 'https://www.gnu.org/licenses/agpl-3.0.html')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKey');
  builder.addServer(serverUrl, 'This installation (PUBLIC_URL)');
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  // 413/415 on JSON bodies, 429 everywhere under /api/v1, nullables strict OAS 3.0 accepts null for.
  return applyApiConventions(document);
}

/**
 * `/docs`, `/docs-json`, `/docs-yaml`. `document` may be a factory: it then runs on the first
 * request for the docs, not at start-up, where scanning every controller and DTO took a large
 * share of the api's start time and memory.
 */
export function mountDocs(app: INestApplication, document: OpenAPIObject | (() => OpenAPIObject)): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { persistAuthorization: true },
  });
}
