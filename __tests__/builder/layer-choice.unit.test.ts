import { CandidateLayer, chooseLayers } from '../../builder/layer-choice';

const layer = (name: string, ...provides: string[]): CandidateLayer => ({ name, provides: new Set(provides) });

// The seed's split strategy for Python, by what each layer lets a function import.
const SPLIT = [
  layer('stable', 'jose', 'jwt', 'requests', 'cryptography'),
  layer('framework', 'fastapi', 'pydantic', 'pydantic_settings', 'starlette'),
  layer('adapters', 'mangum', 'multipart'),
];

describe('chooseLayers', () => {
  it("gives the API the framework and the adapters, and a worker that imports only the runtime's modules no layer", () => {
    expect(chooseLayers(['fastapi', 'mangum', 'starlette'], SPLIT, 5)).toEqual({ layers: ['framework', 'adapters'], missing: [] });
    expect(chooseLayers([], SPLIT, 5)).toEqual({ layers: [], missing: [] });
    expect(chooseLayers(['requests'], SPLIT, 5)).toEqual({ layers: ['stable'], missing: [] });
  });

  it('keeps the strategy order whatever order the imports come in', () => {
    expect(chooseLayers(['mangum', 'requests', 'fastapi', 'mangum'], SPLIT, 5).layers).toEqual(['stable', 'framework', 'adapters']);
  });

  it('prefers fewer layers to earlier ones, and earlier ones among sets of one size', () => {
    const candidates = [layer('a', 'x'), layer('b', 'y'), layer('both', 'x', 'y'), layer('again', 'x', 'y')];
    expect(chooseLayers(['x', 'y'], candidates, 5).layers).toEqual(['both']);
    expect(chooseLayers(['x'], candidates, 5).layers).toEqual(['a']);
  });

  it('never attaches a layer that provides nothing the function needs', () => {
    expect(chooseLayers(['x'], [layer('big', 'a', 'b', 'c'), layer('small', 'x')], 5).layers).toEqual(['small']);
  });

  it('stays within the most a function may attach, and says what is then missing', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => layer(`layer-${name}`, name));
    expect(chooseLayers(['a', 'b', 'c', 'd', 'e', 'f'], six, 5)).toEqual({ layers: ['layer-a', 'layer-b', 'layer-c', 'layer-d', 'layer-e'], missing: ['f'] });
    // With one managed layer attached, four remain.
    expect(chooseLayers(['a', 'b'], six, 1)).toEqual({ layers: ['layer-a'], missing: ['b'] });
  });

  it('says an import no layer provides, and still attaches what provides the rest', () => {
    expect(chooseLayers(['fastapi', 'numpy'], SPLIT, 5)).toEqual({ layers: ['framework'], missing: ['numpy'] });
    expect(chooseLayers(['numpy'], SPLIT, 5)).toEqual({ layers: [], missing: ['numpy'] });
  });
});
