import { RouteTable } from './not-found';

describe('RouteTable', () => {
  const table = new RouteTable();
  table.add({ method: 'GET', url: '/api/v1/contacts' });
  table.add({ method: ['POST'], url: '/api/v1/contacts' });
  table.add({ method: 'PATCH', url: '/api/v1/contacts/:id' });
  table.add({ method: 'DELETE', url: '/api/v1/contacts/:id' });
  table.add({ method: 'POST', url: '/api/v1/contacts/:id/restore' });
  table.add({ method: 'GET', url: '/docs/*' });
  table.add({ method: 'OPTIONS', url: '*' });
  table.add({ method: 'HEAD', url: '/api/v1/contacts' });

  it('lists the methods of a concrete path', () => {
    expect(table.allowedMethods('/api/v1/contacts')).toEqual(['GET', 'HEAD', 'POST']);
    expect(table.allowedMethods('/api/v1/contacts/')).toEqual(['GET', 'HEAD', 'POST']);
    expect(table.allowedMethods('/api/v1/contacts/0193b6b2')).toEqual(['DELETE', 'PATCH']);
    expect(table.allowedMethods('/api/v1/contacts/0193b6b2/restore')).toEqual(['POST']);
    expect(table.allowedMethods('/docs/swagger-ui.css')).toEqual(['GET', 'HEAD']);
  });

  it('knows nothing of paths no route has, whatever CORS answers OPTIONS for', () => {
    expect(table.allowedMethods('/api/v1/nope')).toEqual([]);
    expect(table.allowedMethods('/api/v1/contacts/a/b')).toEqual([]);
    expect(table.allowedMethods('/api/v1/contactsX')).toEqual([]);
  });

  it('treats regex characters in static segments literally', () => {
    const t = new RouteTable();
    t.add({ method: 'GET', url: '/a.b' });
    expect(t.allowedMethods('/a.b')).toEqual(['GET', 'HEAD']);
    expect(t.allowedMethods('/aXb')).toEqual([]);
  });
});
