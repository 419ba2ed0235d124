namespace MagNet.ML;

/// <summary>The attribute kinds an expression can name or compare ("the same colour as ...").</summary>
internal enum ObjectAttribute
{
    Size,
    Colour,
    Shape,
}
